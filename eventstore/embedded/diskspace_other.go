//go:build !unix

package embedded

import (
	"errors"
	"os"
)

// freeSpace is unknown here: the disk guard does not refuse appends.
func freeSpace(string) (uint64, error) { return 0, errors.ErrUnsupported }

func fallocate(*os.File, int64) error { return errors.ErrUnsupported }
