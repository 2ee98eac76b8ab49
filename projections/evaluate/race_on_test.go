//go:build race

package evaluate_test

// raceDetector is true when the tests run under the race detector, which
// slows the statistical tests tenfold without checking anything more in
// them; they then run on fewer seeded worlds.
const raceDetector = true
