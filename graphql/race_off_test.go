//go:build !race

package graphql_test

// raceDetector: see race_on_test.go.
const raceDetector = false
