//go:build !unix

package report_test

import "time"

// cpuTime is not measured here: the benchmark reports 0 cpu-s/op.
func cpuTime() time.Duration { return 0 }
