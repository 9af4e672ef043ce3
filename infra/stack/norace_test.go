//go:build !race

package stack

// raceDetector is true in -race builds (see race_test.go).
const raceDetector = false
