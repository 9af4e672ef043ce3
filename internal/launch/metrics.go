package launch

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/landfall/landfall/internal/metrics"
	"github.com/landfall/landfall/internal/runstate"
)

// outcomeError is the Outcome dimension of an invocation that returned an
// error (Lambda retries it, or the operator sees it).
const outcomeError = "error"

// countingQueue counts the runs sent, including those a backfill sent
// before a later send failed (the invocation then returns no response).
type countingQueue struct {
	Queue
	sent atomic.Int64
}

func (q *countingQueue) Send(ctx context.Context, run *runstate.Run, delay time.Duration) error {
	err := q.Queue.Send(ctx, run, delay)
	if err == nil {
		q.sent.Add(1)
	}
	return err
}

func (q *countingQueue) count() int { return int(q.sent.Load()) }

// countingSends returns a copy of the handler for one invocation whose
// queue counts what it sends.
func (h *Handler) countingSends() (*Handler, *countingQueue) {
	q := &countingQueue{Queue: h.Queue}
	inv := *h
	inv.Queue = q
	return &inv, q
}

// emitInvocation writes the invocation's metrics line. A line the metrics
// package refuses is a bug in Landfall, reported in the logs rather than
// failing the invocation.
func (h *Handler) emitInvocation(ctx context.Context, resp *Response, err error, queued, throttles int) {
	var outcome string
	switch {
	case err != nil || resp == nil:
		outcome = outcomeError
	case resp.Outcome != "":
		outcome = resp.Outcome
	default:
		outcome = "unknown" // every response sets one; a dimension value cannot be empty
	}
	line := metrics.LaunchLine(h.now(), metrics.FunctionName(metrics.DefaultLaunchFunction), outcome, queued, throttles)
	if werr := metrics.Write(ctx, h.logger(), line); werr != nil {
		h.logger().ErrorContext(ctx, "metrics not written", "error", werr)
	}
}
