//go:build race

package stack

// raceDetector is true in -race builds. jsii-runtime-go v1.139.0's Close
// waits on the Node process from two goroutines at once (a data race inside
// the library, also the source of its "waitid: no child processes" line),
// so race builds skip jsii.Close and leave its ~2 MB /tmp/jsii-runtime.*
// directory behind.
const raceDetector = true
