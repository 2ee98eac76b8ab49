//go:build unix && !linux

package embedded

import (
	"errors"
	"os"
)

func fallocateFile(*os.File, int64) error { return errors.ErrUnsupported }
