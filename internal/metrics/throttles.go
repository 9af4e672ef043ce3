package metrics

import (
	"context"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Throttles counts the SDK's retries of throttling errors made with one
// context: an invocation's calls, across every client and goroutine.
//
// Why a retryer and the context, rather than a process-wide counter or the
// run state: the retryer is the one place that sees every throttled attempt
// the SDK retries (and only those it retries), whichever client made it;
// the context scopes the count to one invocation even when the local driver
// runs several handlers at once in one process; and nothing has to travel
// in the run's message, because CloudWatch sums the per-invocation values.
type Throttles struct{ n atomic.Int64 }

type throttlesKey struct{}

// CountThrottles returns a context whose SDK calls count their throttle
// retries in the returned Throttles (when the client's retryer is wrapped
// with CountingRetryer).
func CountThrottles(ctx context.Context) (context.Context, *Throttles) {
	t := &Throttles{}
	return context.WithValue(ctx, throttlesKey{}, t), t
}

// Count is the number of throttle retries so far.
func (t *Throttles) Count() int { return int(t.n.Load()) }

// CountingRetryer wraps an SDK retryer so that each retry of a throttling
// error (the SDK's own list: ThrottlingException, TooManyRequestsException,
// RequestLimitExceeded, ...) counts in the Throttles of the call's context.
// Retry decisions and delays are r's, unchanged.
func CountingRetryer(r aws.Retryer) aws.RetryerV2 {
	v2, ok := r.(aws.RetryerV2)
	if !ok {
		v2 = retryerV1{r}
	}
	return countingRetryer{v2}
}

type countingRetryer struct{ aws.RetryerV2 }

// isThrottle is the SDK's own classification (retry.DefaultThrottles).
var isThrottle = retry.IsErrorThrottles(retry.DefaultThrottles)

// GetRetryToken is the SDK's last step before it retries a failed attempt
// (after the error was found retryable and attempts remain): a token granted
// here is a retry about to happen.
func (c countingRetryer) GetRetryToken(ctx context.Context, opErr error) (func(error) error, error) {
	release, err := c.RetryerV2.GetRetryToken(ctx, opErr)
	if err == nil && isThrottle.IsErrorThrottle(opErr) == aws.TrueTernary {
		if t, ok := ctx.Value(throttlesKey{}).(*Throttles); ok {
			t.n.Add(1)
		}
	}
	return release, err
}

// retryerV1 gives a retryer without GetAttemptToken the SDK's own fallback.
type retryerV1 struct{ aws.Retryer }

func (r retryerV1) GetAttemptToken(context.Context) (func(error) error, error) {
	return r.GetInitialToken(), nil
}
