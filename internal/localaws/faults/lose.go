package faults

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// An answer lost as a timeout cannot be expressed by an operation's result:
// the server always writes a response. So Transport (in-memory clients) and
// Handler (a socket) put a mark in each request's context; the middleware
// sets it after the operation ran, and they drop the response.

// lostKey is the context key of a request's *lostMark.
type lostKey struct{}

// lostMark tells Transport or Handler to drop a response.
type lostMark struct{ lost atomic.Bool }

// markable returns ctx carrying a fresh mark.
func markable(ctx context.Context) (context.Context, *lostMark) {
	m := &lostMark{}
	return context.WithValue(ctx, lostKey{}, m), m
}

// loseResponse replaces the answer of an operation that already ran. A
// timeout with nobody to drop the response (no Transport or Handler around
// the emulator) degrades to the error form, saying so.
func loseResponse(r *wire.Request, as string, out any, err error) (any, error) {
	if as != LoseAsTimeout {
		return nil, wire.InternalFailure("")
	}
	if r.Context != nil {
		if m, ok := r.Context.Value(lostKey{}).(*lostMark); ok {
			m.lost.Store(true)
			return out, err
		}
	}
	return nil, wire.InternalFailure("The local AWS lost this response (loseResponseAs: timeout) but could not time the client out: wrap the emulator's transport with faults.Transport (or its handler with faults.Handler).")
}

// TimeoutError is what a client of Transport gets for an answer lost as a
// timeout: the error net/http's transport returns when a response's headers
// do not arrive in time. aws-sdk-go-v2 wraps it in a RequestSendError, which
// its standard retryer retries as a connection error
// (retry.RetryableConnectionError), and counts as a timeout for the retry
// quota (retry.TimeouterError, the higher retry cost): the SDK sees exactly
// a real timeout. It is not context.DeadlineExceeded, so code telling its own
// deadline from a slow service is not fooled.
type TimeoutError struct{}

var _ net.Error = (*TimeoutError)(nil)

// Error words it as net/http does, naming the fault so nobody hunts a
// network problem.
func (*TimeoutError) Error() string {
	return "net/http: timeout awaiting response headers (the local AWS ran the call and lost its answer: loseResponseAs timeout)"
}

// Timeout reports true: the SDKs classify errors by it.
func (*TimeoutError) Timeout() bool { return true }

// Temporary reports true, as net/http's own timeout error does.
func (*TimeoutError) Temporary() bool { return true }

// Transport wraps the round tripper of an in-memory client of the emulator
// (wire.NewInMemoryClient) so that an answer lost as a timeout fails the
// round trip with a *TimeoutError after the operation ran. The local AWS's
// Cloud.HTTPClient uses it.
func Transport(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		ctx, mark := markable(req.Context())
		resp, err := next.RoundTrip(req.WithContext(ctx))
		if err != nil || !mark.lost.Load() {
			return resp, err
		}
		_ = resp.Body.Close() // an in-memory body: closing cannot fail
		return nil, &TimeoutError{}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Handler wraps the emulator's handler for serving on a socket (`landfall
// local serve`): an answer lost as a timeout is never sent and the
// connection is aborted under the client, which sees a connection error (EOF
// or reset). A server cannot fire a client's timer; a dropped connection is
// the closest it comes, and the SDKs retry it the same way. Other answers
// pass unchanged (buffered: a lost one must not have begun).
func Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, mark := markable(r.Context())
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r.WithContext(ctx))
		if mark.lost.Load() {
			// net/http closes the connection without logging a stack.
			panic(http.ErrAbortHandler)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes()) // the client went away: nothing left to tell it
	})
}
