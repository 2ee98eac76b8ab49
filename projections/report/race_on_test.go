//go:build race

package report_test

// raceDetector is true under the race detector, which slows report
// building about tenfold. The tests that only render or compare whole
// reports then skip: every report is built by concurrent goroutines, so
// the race detector checks that in the shorter tests that still run, and
// the run without it checks their contents.
const raceDetector = true
