//go:build race

package graphql_test

// raceDetector is true under the race detector, which slows the
// estimates about tenfold. The tests that only compare answers of many
// estimates then skip: the shorter tests that still run check the
// concurrency, and the run without it checks the answers.
const raceDetector = true
