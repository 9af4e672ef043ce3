package gameday

import (
	"bytes"
	"strings"
	"sync"
)

// maxLogLines bounds the function logs a scenario keeps: a defect is told
// by its last lines, and a 300-account backfill logs far more than anyone
// reads.
const maxLogLines = 4000

// logTail keeps the last maxLogLines lines written to it. It is the
// functions' log destination, safe for the concurrent workers of a drain.
type logTail struct {
	mu      sync.Mutex
	partial []byte
	lines   []string
	dropped int
}

// Write implements io.Writer for slog's handler.
func (l *logTail) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, b...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	if over := len(l.lines) - maxLogLines; over > maxLogLines/2 {
		// Drop in batches so appending stays amortised O(1).
		l.lines = append(l.lines[:0], l.lines[over:]...)
		l.dropped += over
	}
	return len(b), nil
}

// Lines returns the kept lines that contain every one of words, oldest first.
func (l *logTail) Lines(words ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := max(0, len(l.lines)-maxLogLines)
	var out []string
	for _, line := range l.lines[start:] {
		keep := true
		for _, w := range words {
			keep = keep && strings.Contains(line, w)
		}
		if keep {
			out = append(out, line)
		}
	}
	return out
}
