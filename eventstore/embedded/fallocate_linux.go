package embedded

import (
	"os"
	"syscall"
)

func fallocateFile(f *os.File, size int64) error {
	return syscall.Fallocate(int(f.Fd()), 0, 0, size)
}
