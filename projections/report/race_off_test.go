//go:build !race

package report_test

// raceDetector: see race_on_test.go.
const raceDetector = false
