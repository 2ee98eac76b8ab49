//go:build unix

package embedded

import (
	"os"
	"syscall"
)

// freeSpace returns the bytes of dir's file system available to this
// (unprivileged) process.
func freeSpace(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// fallocate reserves size bytes for f where the file system can.
func fallocate(f *os.File, size int64) error {
	return fallocateFile(f, size)
}
