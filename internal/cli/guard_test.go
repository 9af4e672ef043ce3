package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/lifecycle/samples"
)

// guardFor guards a handler that answers 200 "reached", as if listening on addr.
func guardFor(t *testing.T, addr string, allow ...string) *guard {
	t.Helper()
	tcp, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	g, err := newGuard(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "reached")
	}), tcp, allow)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// sdkRequest is a request as an SDK client sends it: a signed form POST.
func sdkRequest(host string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://"+host+"/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	r.Host = host
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")
	return r
}

func TestGuard(t *testing.T) {
	const bound = "127.0.0.1:4566"
	tests := []struct {
		name  string
		addr  string // where the server listens; bound unless set
		allow []string
		edit  func(r *http.Request)
		// why is in the refusal; "" means the request reaches the emulator.
		why string
	}{
		{name: "SDK request to the bound address"},
		{name: "localhost", edit: func(r *http.Request) { r.Host = "localhost:4566" }},
		{name: "LOCALHOST with a trailing dot", edit: func(r *http.Request) { r.Host = "LOCALHOST.:4566" }},
		{name: "a name under .localhost", edit: func(r *http.Request) { r.Host = "aws.localhost:4566" }},
		{name: "another loopback address", edit: func(r *http.Request) { r.Host = "127.0.0.2:4566" }},
		{name: "IPv6 loopback", edit: func(r *http.Request) { r.Host = "[::1]:4566" }},
		{name: "own origin", edit: func(r *http.Request) { r.Header.Set("Origin", "http://127.0.0.1:4566") }},
		{name: "same-origin fetch metadata", edit: func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "same-origin") }},
		{name: "presigned GET (not a POST)", edit: func(r *http.Request) {
			r.Method = http.MethodGet
			r.URL.RawQuery = "Action=GetCallerIdentity&X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fsts%2Faws4_request"
		}},
		{name: "allowed host", allow: []string{"dev-box.internal"}, edit: func(r *http.Request) { r.Host = "Dev-Box.internal:4566" }},
		{name: "allowed host and port", allow: []string{"proxy.example:8080"}, edit: func(r *http.Request) { r.Host = "proxy.example:8080" }},
		{name: "bound to all: a local interface's address", addr: "0.0.0.0:4566", edit: func(r *http.Request) { r.Host = "127.0.0.1:4566" }},

		{name: "DNS rebinding", edit: func(r *http.Request) { r.Host = "evil.example:4566" }, why: `Host "evil.example:4566" does not name this local AWS server`},
		{name: "rebinding to a name ending in localhost", edit: func(r *http.Request) { r.Host = "evillocalhost:4566" }, why: `Host "evillocalhost:4566"`},
		{name: "loopback on another port", edit: func(r *http.Request) { r.Host = "localhost:8080" }, why: `Host "localhost:8080"`},
		{name: "no port (port 80)", edit: func(r *http.Request) { r.Host = "localhost" }, why: `Host "localhost"`},
		{name: "empty Host", edit: func(r *http.Request) { r.Host = "" }, why: `Host ""`},
		{name: "allowed host on another port", allow: []string{"dev-box.internal"}, edit: func(r *http.Request) { r.Host = "dev-box.internal:80" }, why: `Host "dev-box.internal:80"`},
		{name: "bound to all: a name", addr: "0.0.0.0:4566", edit: func(r *http.Request) { r.Host = "evil.example:4566" }, why: `Host "evil.example:4566"`},
		{name: "bound elsewhere: another address", addr: "127.0.0.1:4566", edit: func(r *http.Request) { r.Host = "192.0.2.1:4566" }, why: `Host "192.0.2.1:4566"`},

		{name: "cross-origin page", edit: func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") }, why: `cross-origin request from "http://evil.example" refused`},
		{name: "opaque origin", edit: func(r *http.Request) { r.Header.Set("Origin", "null") }, why: `cross-origin request from "null"`},
		{name: "local dev server on another port", edit: func(r *http.Request) { r.Header.Set("Origin", "http://localhost:3000") }, why: `cross-origin request from "http://localhost:3000"`},
		{name: "https origin", edit: func(r *http.Request) { r.Header.Set("Origin", "https://127.0.0.1:4566") }, why: `cross-origin request`},
		{name: "cross-site fetch metadata", edit: func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }, why: "Sec-Fetch-Site: cross-site"},
		{name: "same-site fetch metadata", edit: func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "same-site") }, why: "Sec-Fetch-Site: same-site"},

		{name: "presigned POST", edit: func(r *http.Request) {
			r.URL.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fsts%2Faws4_request"
		}, why: "credentials in the query string (X-Amz-Credential) refused on POST"},
		{name: "POST with a signature in the query", edit: func(r *http.Request) { r.URL.RawQuery = "X-Amz-Signature=abc" }, why: "(X-Amz-Signature)"},
		{name: "POST with a session token in the query", edit: func(r *http.Request) { r.URL.RawQuery = "x-amz-security-token=abc" }, why: "(x-amz-security-token)"},
		{name: "POST with SigV2 credentials", edit: func(r *http.Request) { r.URL.RawQuery = "AWSAccessKeyId=test&Signature=abc" }, why: "(AWSAccessKeyId)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := tt.addr
			if addr == "" {
				addr = bound
			}
			g := guardFor(t, addr, tt.allow...)
			r := sdkRequest(bound)
			if tt.edit != nil {
				tt.edit(r)
			}
			w := httptest.NewRecorder()
			g.ServeHTTP(w, r)
			body := html.UnescapeString(w.Body.String()) // the XML escapes quotes
			if tt.why == "" {
				if w.Code != http.StatusOK || body != "reached" {
					t.Fatalf("refused: %d %s", w.Code, body)
				}
				return
			}
			if w.Code != http.StatusForbidden || body == "reached" || !strings.Contains(body, tt.why) {
				t.Fatalf("answer %d %s, want 403 saying %q", w.Code, body, tt.why)
			}
		})
	}
}

// TestGuardRefusalShapes: refusals come in the protocol of the request, so
// that an SDK client reports AccessDenied with the guard's message.
func TestGuardRefusalShapes(t *testing.T) {
	g := guardFor(t, "127.0.0.1:4566")
	evil := func(r *http.Request) *http.Request { r.Host = "evil.example:4566"; return r }

	t.Run("awsQuery", func(t *testing.T) {
		w := httptest.NewRecorder()
		g.ServeHTTP(w, evil(sdkRequest("127.0.0.1:4566")))
		var resp struct {
			Error struct{ Type, Code, Message string }
		}
		if err := xml.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.Error.Code != "AccessDenied" || resp.Error.Type != "Sender" || w.Header().Get("Content-Type") != "text/xml" {
			t.Errorf("answer %s (%v), want an XML ErrorResponse with AccessDenied", w.Body, err)
		}
	})
	t.Run("awsJson", func(t *testing.T) {
		r := evil(httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}")))
		r.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
		r.Header.Set("Content-Type", "application/x-amz-json-1.0")
		w := httptest.NewRecorder()
		g.ServeHTTP(w, r)
		var resp struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.Type != "AccessDeniedException" || resp.Message == "" ||
			w.Header().Get("Content-Type") != "application/x-amz-json-1.0" {
			t.Errorf("answer %s %v (%v), want awsJson AccessDeniedException", w.Body, w.Header(), err)
		}
	})
	t.Run("restJson", func(t *testing.T) {
		r := evil(httptest.NewRequest(http.MethodPost, "/2015-03-31/functions/landfall-launch/invocations", strings.NewReader("{}")))
		w := httptest.NewRecorder()
		g.ServeHTTP(w, r)
		if w.Header().Get("X-Amzn-ErrorType") != "AccessDeniedException" || !strings.Contains(w.Body.String(), `"message"`) {
			t.Errorf("answer %v %s, want X-Amzn-ErrorType AccessDeniedException and a message", w.Header(), w.Body)
		}
	})
}

func TestNewGuardRejectsBadAllowHost(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4566}
	for _, h := range []string{"http://x.example", "user@x.example", ":8080", "x.example:http", "x.example:70000"} {
		if _, err := newGuard(http.NotFoundHandler(), addr, []string{h}); err == nil {
			t.Errorf("--allow-host %q accepted", h)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want bool
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4566}, true},
		{&net.TCPAddr{IP: net.IPv4(127, 1, 2, 3), Port: 4566}, true},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 4566}, true},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 4566}, false},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 4566}, false},
		{&net.TCPAddr{IP: net.IPv4(192, 168, 1, 5), Port: 4566}, false},
		{&net.UnixAddr{Name: "localhost:1", Net: "unix"}, true},
	}
	for _, tt := range tests {
		if got := isLoopback(tt.addr); got != tt.want {
			t.Errorf("isLoopback(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

// startServe runs `landfall local serve` with args until the test ends and
// returns its URL and its streams.
func startServe(t *testing.T, args ...string) (url string, out, errOut *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut = &lockedBuffer{}, &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"local", "serve", "--speed", "600", "--log-calls=false"}, args...), strings.NewReader(""), out, errOut)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop after its context ended")
		}
	})
	url = waitFor(t, out, regexp.MustCompile(`listening on (http://[0-9.:\[\]]+)`), 30*time.Second)[1]
	return url, out, errOut
}

// TestServeGuardKeepsSDKClientsWorking runs real SDK clients through the
// guarded server, by address and by localhost, then the requests a browser
// page would send, which must not reach the launch function.
func TestServeGuardKeepsSDKClientsWorking(t *testing.T) {
	url, out, errOut := startServe(t, "--addr", "127.0.0.1:0")
	if strings.Contains(errOut.String(), "WARNING") {
		t.Errorf("warned on loopback:\n%s", errOut)
	}
	ctx := context.Background()
	creds := credentials.NewStaticCredentialsProvider("test", "test", "")
	for _, endpoint := range []string{url, strings.Replace(url, "127.0.0.1", "localhost", 1)} {
		stsc := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), Credentials: creds})
		id, err := stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || aws.ToString(id.Account) == "" {
			t.Fatalf("STS GetCallerIdentity via %s: %v", endpoint, err)
		}
		lc := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), Credentials: creds})
		res, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(LaunchFunctionName), Payload: []byte(`{"accounts": ["222222222222"], "dryRun": true}`)})
		if err != nil || res.FunctionError != nil || !strings.Contains(string(res.Payload), `"outcome":"dry-run"`) {
			t.Fatalf("Lambda Invoke via %s: %v %s", endpoint, err, res.Payload)
		}
	}

	// A DNS-rebinding page: the SDK's own request, sent with the page's Host.
	rebound := lambda.New(lambda.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: creds,
		HTTPClient: hostRewriter{host: "evil.example" + url[strings.LastIndex(url, ":"):]},
	})
	_, err := rebound.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(LaunchFunctionName), Payload: samples.Event(sampleEvent)})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDeniedException" || !strings.Contains(apiErr.ErrorMessage(), "evil.example") {
		t.Fatalf("rebound Invoke: %v, want AccessDeniedException naming the host", err)
	}

	// A page's cross-origin POST and a presigned URL submitted by a form.
	presigned, err := sts.NewPresignClient(sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: creds})).
		PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	for name, req := range map[string]func() (*http.Request, error){
		"cross-origin invoke": func() (*http.Request, error) {
			r, err := http.NewRequest(http.MethodPost, url+"/2015-03-31/functions/"+LaunchFunctionName+"/invocations", strings.NewReader(string(samples.Event(sampleEvent))))
			if err == nil {
				r.Header.Set("Origin", "http://evil.example")
				r.Header.Set("Content-Type", "text/plain")
			}
			return r, err
		},
		"presigned POST": func() (*http.Request, error) {
			r, err := http.NewRequest(http.MethodPost, presigned.URL, strings.NewReader(""))
			if err == nil {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			return r, err
		},
	} {
		r, err := req()
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "AccessDenied") {
			t.Errorf("%s: answer %d %s, want 403 AccessDenied", name, resp.StatusCode, body)
		}
	}
	if strings.Contains(out.String(), "queued run") || strings.Contains(out.String(), "222222222222 6 succeeded") {
		t.Errorf("a refused request reached the launch function:\n%s", out)
	}
}

// hostRewriter sends every request with another Host header, as a browser
// does for a page whose DNS name was rebound to the server's address.
type hostRewriter struct{ host string }

func (h hostRewriter) Do(r *http.Request) (*http.Response, error) {
	r.Host = h.host
	return http.DefaultClient.Do(r)
}

func TestServeWarnsOffLoopback(t *testing.T) {
	_, _, errOut := startServe(t, "--addr", "0.0.0.0:0")
	waitFor(t, errOut, regexp.MustCompile(`(?s)WARNING: landfall local serve is listening on 0\.0\.0\.0:[0-9]+, which is NOT a loopback address\..*Anyone who can reach this port can act as the\nWARNING: management account \(\d{12}\) of the emulated organization`), 5*time.Second)
}

func TestServeHelpDocumentsTheGuard(t *testing.T) {
	var out, errOut lockedBuffer
	if code := Main(context.Background(), []string{"local", "serve", "--help"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"--allow-host", "Safety:", "Host header", "Origin", "X-Amz-Credential", "DNS rebinding"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("help does not mention %q:\n%s", want, errOut.String())
		}
	}
}
