package wire

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
)

// NewInMemoryClient returns an *http.Client that hands every request straight
// to h in the calling goroutine: no sockets, no ports, nothing to clean up.
// It is safe for concurrent use as long as h is.
func NewInMemoryClient(h http.Handler) *http.Client {
	return &http.Client{Transport: inMemoryTransport{h: h}}
}

// inMemoryTransport is an http.RoundTripper that serves requests with a handler.
type inMemoryTransport struct{ h http.Handler }

// RoundTrip implements http.RoundTripper.
func (t inMemoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// RoundTrip must always close the request body, even on error.
	var body []byte
	if req.Body != nil {
		var err error
		// Content-Length sizes the buffer; a body that is larger (or a
		// length that is unknown, -1) only makes the buffer grow.
		body, err = readBody(req.Body, int(min(max(req.ContentLength, 0), 1<<20)))
		_ = req.Body.Close() // fully read: closing cannot lose anything
		if err != nil {
			return nil, err
		}
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}

	// The handler gets a shallow copy, shaped like a request a server
	// receives; the server copies the headers it keeps and changes nothing
	// of the client's request.
	sreq := req.WithContext(req.Context())
	sreq.Body = io.NopCloser(bytes.NewReader(body))
	sreq.ContentLength = int64(len(body))
	sreq.RequestURI = req.URL.RequestURI()
	sreq.RemoteAddr = "127.0.0.1:0"
	if sreq.Host == "" {
		sreq.Host = req.URL.Host
	}

	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, sreq)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
