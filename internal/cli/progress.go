package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progressInterval is how often a progress line is redrawn.
const progressInterval = 200 * time.Millisecond

// terminal is implemented by writers that know whether they are a terminal;
// tests pass one to see the progress line a terminal would show.
type terminal interface {
	IsTerminal() bool
}

// isTerminal reports whether w is a terminal: a character device, such as
// a console, rather than a file or a pipe (2>log, | less, CI).
func isTerminal(w io.Writer) bool {
	switch t := w.(type) {
	case terminal:
		return t.IsTerminal()
	case *os.File:
		info, err := t.Stat()
		return err == nil && info.Mode()&os.ModeCharDevice != 0
	}
	return false
}

// progress is one line on stderr that long operations rewrite in place
// with \r, and clear when they end, so that the output (stdout, or stderr
// when redirected) never holds it. On anything but a terminal it writes
// nothing. It is safe for concurrent use.
type progress struct {
	mu    sync.Mutex
	w     io.Writer // nil: not a terminal
	width int       // of the line shown, to blank it out
	start time.Time
}

// newProgress returns the progress line of s's stderr.
func newProgress(s Streams) *progress {
	p := &progress{start: time.Now()}
	if isTerminal(s.Err) {
		p.w = s.Err
	}
	return p
}

// show replaces the line with the formatted text and the time elapsed.
func (p *progress) show(format string, args ...any) {
	if p == nil || p.w == nil {
		return
	}
	line := fmt.Sprintf(format, args...) + fmt.Sprintf(" (%s)", time.Since(p.start).Round(time.Second))
	p.mu.Lock()
	defer p.mu.Unlock()
	pad := max(p.width-len(line), 0)
	fmt.Fprint(p.w, "\r"+line+strings.Repeat(" ", pad))
	p.width = len(line)
}

// clear blanks the line and leaves the cursor at its start, for the
// output that follows.
func (p *progress) clear() { p.printf(io.Discard, "") }

// printf writes a line of output to w (stdout, sharing the terminal):
// the progress line is blanked first, and redrawn at the next update.
func (p *progress) printf(w io.Writer, format string, args ...any) {
	if p != nil && p.w != nil {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.width > 0 {
			fmt.Fprint(p.w, "\r"+strings.Repeat(" ", p.width)+"\r")
			p.width = 0
		}
	}
	fmt.Fprintf(w, format, args...)
}

// follow shows line() every progressInterval until the returned stop is
// called, which clears the line. line is read on another goroutine.
func (p *progress) follow(ctx context.Context, line func() string) (stop func()) {
	if p == nil || p.w == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			p.show("%s", line())
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
		p.clear()
	}
}
