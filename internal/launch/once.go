package launch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/landfall/landfall/internal/runstate"
)

// queueOnce records run in the ledger and queues it, once per trigger: the
// run ID is derived from the trigger, so a repeated delivery finds the run.
// It queues a run the ledger has but that no earlier delivery managed to
// queue (its send failed), and reports false for one already queued. Two
// deliveries at the same instant may both queue it; the worker's ledger
// check lets only one of the two messages carry the run on.
func (h *Handler) queueOnce(ctx context.Context, run *runstate.Run, delay time.Duration) (bool, error) {
	created, existing, err := h.Ledger.Create(ctx, run)
	if err != nil {
		return false, err
	}
	if !created {
		if existing.Sent >= 0 {
			return false, nil
		}
		if existing.Run != nil {
			*run = *existing.Run
		}
	}
	if err := h.Queue.Send(ctx, run, delay); err != nil {
		return false, err
	}
	if err := h.Ledger.MarkSent(ctx, run.ID, run.Step); err != nil {
		// Queued all the same: a repeat of this trigger would queue it
		// again, and the worker lets only one copy go on.
		h.logger().WarnContext(ctx, "the ledger did not record the run as queued", "run", run.ID, "error", err)
	}
	return true, nil
}

// invocation identifies a manual invocation across Lambda's retries: its
// request ID and the SHA-256 of its payload. Without a Lambda context (a
// test) the request ID is the time.
func invocation(ctx context.Context, raw []byte, now time.Time) (requestID, payloadHash string) {
	sum := sha256.Sum256(raw)
	requestID = now.UTC().Format("20060102T150405.000000000")
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
		requestID = lc.AwsRequestID
	}
	return requestID, hex.EncodeToString(sum[:])
}

// manualRunPrefix is the trigger part of a manual run's ID: the trigger,
// the request ID and a short payload hash, so that Lambda's retry of one
// invocation finds its runs and another invocation makes new ones.
func manualRunPrefix(trigger runstate.Trigger, requestID, payloadHash string) string {
	return string(trigger) + "-" + requestID + "-" + payloadHash[:12]
}
