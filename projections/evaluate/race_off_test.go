//go:build !race

package evaluate_test

// raceDetector: see race_on_test.go.
const raceDetector = false
