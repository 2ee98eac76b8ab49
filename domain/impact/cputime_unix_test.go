//go:build unix

package impact

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user and system CPU time so far: the
// benchmarks of power report it beside the wall time, which on the shared
// machine depends mostly on the load.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
