package wire_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// fakeREST is a hand-written restJson1 service routing by URI patterns.
type fakeREST struct {
	fakeService
	routes []fakeRoute
}

type fakeRoute struct{ method, pattern, op string }

func (f *fakeREST) Route(method, path string) (string, map[string]string, bool) {
	for _, r := range f.routes {
		if r.method != method {
			continue
		}
		if params, ok := wire.MatchPath(r.pattern, path); ok {
			return r.op, params, true
		}
	}
	return "", nil, false
}

// fakeLambda routes Lambda's Invoke and GetFunction URIs to ops.
func fakeLambda(ops map[string]wire.Operation) *fakeREST {
	return &fakeREST{
		fakeService: fakeService{name: "lambda", proto: wire.RESTJSON, ops: ops},
		routes: []fakeRoute{
			{http.MethodPost, "/2015-03-31/functions/{FunctionName}/invocations", "Invoke"},
			{http.MethodGet, "/2015-03-31/functions/{FunctionName}", "GetFunction"},
			{http.MethodGet, "/2015-03-31/functions/", "ListFunctions"},
		},
	}
}

func TestMatchPath(t *testing.T) {
	tests := []struct {
		name, pattern, path string
		want                map[string]string // nil: no match
	}{
		{"label", "/2015-03-31/functions/{FunctionName}/invocations", "/2015-03-31/functions/launch/invocations", map[string]string{"FunctionName": "launch"}},
		{"encoded label", "/2015-03-31/functions/{FunctionName}/invocations", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A111111111111%3Afunction%3Alaunch/invocations",
			map[string]string{"FunctionName": "arn:aws:lambda:us-east-1:111111111111:function:launch"}},
		{"encoded slash stays in label", "/things/{Name}", "/things/a%2Fb", map[string]string{"Name": "a/b"}},
		{"no labels", "/2015-03-31/functions/", "/2015-03-31/functions/", map[string]string{}},
		{"greedy label", "/buckets/{Bucket}/{Key+}", "/buckets/b/dir/sub/file.txt", map[string]string{"Bucket": "b", "Key": "dir/sub/file.txt"}},
		{"literal differs", "/2015-03-31/functions/{FunctionName}/invocations", "/2015-03-31/functions/launch/policy", nil},
		{"too long", "/2015-03-31/functions/{FunctionName}", "/2015-03-31/functions/launch/invocations", nil},
		{"too short", "/2015-03-31/functions/{FunctionName}/invocations", "/2015-03-31/functions/launch", nil},
		{"empty label", "/2015-03-31/functions/{FunctionName}/invocations", "/2015-03-31/functions//invocations", nil},
		{"bad escape", "/things/{Name}", "/things/%zz", nil},
		{"greedy not last", "/a/{Key+}/b", "/a/x/b", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := wire.MatchPath(tt.pattern, tt.path)
			if ok != (tt.want != nil) || (ok && !reflect.DeepEqual(got, tt.want)) {
				t.Errorf("MatchPath(%q, %q) = %v, %v; want %v", tt.pattern, tt.path, got, ok, tt.want)
			}
		})
	}
}

func TestRESTThroughSDK(t *testing.T) {
	var seen *wire.Request
	srv := newServer(t, fakeLambda(map[string]wire.Operation{
		"Invoke": func(r *wire.Request) (any, error) {
			seen = r
			switch r.PathParams["FunctionName"] {
			case "missing":
				return nil, &wire.Error{Code: "ResourceNotFoundException", Message: "Function not found: missing", Status: http.StatusNotFound, MessageKey: "Message"}
			case "huge":
				return nil, &wire.Error{Code: "RequestTooLargeException", Message: "Request must be smaller than 6291456 bytes", Status: http.StatusRequestEntityTooLarge}
			case "broken":
				return nil, errors.New("disk on fire")
			}
			h := http.Header{}
			h.Set("X-Amz-Executed-Version", "$LATEST")
			h.Set("X-Amz-Function-Error", "Unhandled")
			return wire.RawResponse{Header: h, Body: append([]byte(`{"echo":`), append(r.Body, '}')...)}, nil
		},
		"GetFunction": func(r *wire.Request) (any, error) {
			return map[string]any{"Configuration": map[string]any{
				"FunctionName": r.PathParams["FunctionName"], "Version": r.Query.Get("Qualifier"), "State": "Active", "Timeout": 900,
			}}, nil
		},
	}))
	client := lambda.NewFromConfig(sdkConfig(srv, "AKIDADMIN"))

	fn := "arn:aws:lambda:us-west-1:111111111111:function:launch"
	out, err := client.Invoke(ctx(t), &lambda.InvokeInput{
		FunctionName: aws.String(fn), Qualifier: aws.String("$LATEST"), InvocationType: lambdatypes.InvocationTypeRequestResponse,
		Payload: []byte(`{"a":1}`),
	})
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	if out.StatusCode != 200 || string(out.Payload) != `{"echo":{"a":1}}` || aws.ToString(out.ExecutedVersion) != "$LATEST" || aws.ToString(out.FunctionError) != "Unhandled" {
		t.Errorf("Invoke = status %d payload %s version %q error %q", out.StatusCode, out.Payload, aws.ToString(out.ExecutedVersion), aws.ToString(out.FunctionError))
	}
	if seen.Protocol != wire.RESTJSON || seen.Service != "lambda" || seen.Operation != "Invoke" || seen.Region != "us-west-1" ||
		seen.PathParams["FunctionName"] != fn || seen.Query.Get("Qualifier") != "$LATEST" ||
		seen.Header.Get("X-Amz-Invocation-Type") != "RequestResponse" || seen.Caller.Account != "111111111111" {
		t.Errorf("decoded request = %+v", seen)
	}

	got, err := client.GetFunction(ctx(t), &lambda.GetFunctionInput{FunctionName: aws.String("launch"), Qualifier: aws.String("$LATEST")})
	if err != nil {
		t.Fatalf("GetFunction: %v", err)
	}
	if c := got.Configuration; aws.ToString(c.FunctionName) != "launch" || aws.ToString(c.Version) != "$LATEST" || c.State != lambdatypes.StateActive || aws.ToInt32(c.Timeout) != 900 {
		t.Errorf("GetFunction = %+v", c)
	}

	invoke := func(name string) error {
		_, err := client.Invoke(ctx(t), &lambda.InvokeInput{FunctionName: aws.String(name)})
		return err
	}
	var notFound *lambdatypes.ResourceNotFoundException
	if err := invoke("missing"); !errors.As(err, &notFound) || aws.ToString(notFound.Message) != "Function not found: missing" || aws.ToString(notFound.Type) != "User" {
		t.Errorf("Invoke(missing) = %v, want *ResourceNotFoundException with Message and Type User", err)
	}
	var tooLarge *lambdatypes.RequestTooLargeException
	if err := invoke("huge"); !errors.As(err, &tooLarge) || !strings.Contains(tooLarge.ErrorMessage(), "6291456") {
		t.Errorf("Invoke(huge) = %v, want *RequestTooLargeException", err)
	}
	var apiErr smithy.APIError
	if err := invoke("broken"); !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InternalFailure" || !strings.Contains(apiErr.ErrorMessage(), "disk on fire") {
		t.Errorf("Invoke(broken) = %v, want InternalFailure", err)
	}
	if n := srv.Calls().CountFor("lambda.Invoke", "111111111111", "us-west-1"); n != 1+1+1+3 {
		t.Errorf("CountFor(lambda.Invoke) = %d, want 6 (internal failures are retried)", n)
	}
}

func TestRESTRawResponses(t *testing.T) {
	srv := newServer(t,
		fakeSTS(map[string]wire.Operation{
			"GetCallerIdentity": func(r *wire.Request) (any, error) { return callerIdentity{Account: r.Caller.Account}, nil },
		}),
		fakeLambda(map[string]wire.Operation{
			"Invoke": func(r *wire.Request) (any, error) {
				switch r.PathParams["FunctionName"] {
				case "async":
					return &wire.RawResponse{Status: http.StatusAccepted}, nil
				case "size":
					return map[string]int{"bytes": len(r.Body)}, nil
				case "broken":
					return nil, wire.ServiceUnavailable()
				case "fields":
					return nil, &wire.Error{Code: "TooManyRequestsException", Message: "Rate Exceeded.", Status: http.StatusTooManyRequests, Fields: map[string]any{"Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"}}
				}
				return nil, &wire.Error{Code: "InvalidRequestContentException", Message: "Could not parse request body into json"}
			},
		}),
	)
	lambdaAuth := strings.Replace(goodAuth, "/sts/", "/lambda/", 1)
	tests := []struct {
		name, method, path, auth, contentType string
		body                                  []byte
		wantStatus                            int
		wantBody                              string // exact, when not empty
		wantContains                          []string
		wantHeader                            map[string]string
	}{
		{
			name: "raw response", method: "POST", path: "/2015-03-31/functions/async/invocations", auth: lambdaAuth,
			wantStatus: 202, wantHeader: map[string]string{"Content-Length": "0", "Content-Type": ""},
		},
		{
			name: "JSON result", method: "POST", path: "/2015-03-31/functions/size/invocations", auth: lambdaAuth, body: []byte("{}"),
			wantStatus: 200, wantBody: `{"bytes":2}`, wantHeader: map[string]string{"Content-Type": "application/json"},
		},
		{
			name: "body above the JSON limit reaches a REST service", method: "POST", path: "/2015-03-31/functions/size/invocations", auth: lambdaAuth,
			body: bytes.Repeat([]byte("x"), 7<<20), wantStatus: 200, wantBody: `{"bytes":7340032}`,
		},
		{
			name: "body above the REST limit", method: "POST", path: "/2015-03-31/functions/size/invocations", auth: lambdaAuth,
			body: bytes.Repeat([]byte("x"), 9<<20), wantStatus: 413,
			wantBody:   `{"Type":"User","message":"request body exceeds 8388608 bytes"}`,
			wantHeader: map[string]string{"X-Amzn-Errortype": "RequestEntityTooLarge"},
		},
		{
			name: "client error", method: "POST", path: "/2015-03-31/functions/bad/invocations", auth: lambdaAuth, body: []byte("nope"),
			wantStatus: 400, wantBody: `{"Type":"User","message":"Could not parse request body into json"}`,
			wantHeader: map[string]string{"X-Amzn-Errortype": "InvalidRequestContentException", "Content-Type": "application/json"},
		},
		{
			name: "server error", method: "POST", path: "/2015-03-31/functions/broken/invocations", auth: lambdaAuth,
			wantStatus: 503, wantContains: []string{`"Type":"Service"`}, wantHeader: map[string]string{"X-Amzn-Errortype": "ServiceUnavailable"},
		},
		{
			name: "error fields", method: "POST", path: "/2015-03-31/functions/fields/invocations", auth: lambdaAuth,
			wantStatus: 429, wantBody: `{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}`,
		},
		{
			name: "unknown REST operation", method: "DELETE", path: "/2015-03-31/functions/launch", auth: lambdaAuth,
			wantStatus: 404, wantContains: []string{`"Type":"User"`, "DELETE /2015-03-31/functions/launch is not an operation of the emulated lambda service"},
			wantHeader: map[string]string{"X-Amzn-Errortype": "UnknownOperationException"},
		},
		{
			name: "routed but not implemented", method: "GET", path: "/2015-03-31/functions/", auth: lambdaAuth,
			wantStatus: 400, wantContains: []string{"operation ListFunctions is not supported by the emulated lambda service"},
			wantHeader: map[string]string{"X-Amzn-Errortype": "UnknownOperationException"},
		},
		{
			name: "missing authorization", method: "POST", path: "/2015-03-31/functions/size/invocations",
			wantStatus: 403, wantContains: []string{`"Type":"User"`, "Authentication Token"},
			wantHeader: map[string]string{"X-Amzn-Errortype": "MissingAuthenticationTokenException"},
		},
		{
			name: "query service next to a REST one", method: "POST", path: "/", auth: goodAuth, contentType: "application/x-www-form-urlencoded",
			body: []byte("Action=GetCallerIdentity&Version=2011-06-15"), wantStatus: 200, wantContains: []string{"<Account>111111111111</Account>"},
		},
		{
			name: "query request on a REST path", method: "POST", path: "/2015-03-31/functions/size/invocations", auth: goodAuth, contentType: "application/x-www-form-urlencoded",
			body: []byte("Action=GetCallerIdentity"), wantStatus: 200, wantContains: []string{"<Account>111111111111</Account>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(ctx(t), tt.method, "http://localaws.internal"+tt.path, bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d; body %.200s", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantBody != "" && string(body) != tt.wantBody {
				t.Errorf("body = %.200s, want %s", body, tt.wantBody)
			}
			for _, want := range tt.wantContains {
				if !strings.Contains(string(body), want) {
					t.Errorf("body = %.200s\nwant it to contain %s", body, want)
				}
			}
			for k, v := range tt.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if id := resp.Header.Get("X-Amzn-Requestid"); len(id) != 36 {
				t.Errorf("X-Amzn-Requestid = %q", id)
			}
		})
	}
}

func TestRawResponseInJSONProtocol(t *testing.T) {
	srv := newServer(t, fakeOrganizations(map[string]wire.Operation{
		"ListRoots": func(r *wire.Request) (any, error) {
			h := http.Header{}
			h.Set("X-Amzn-Requestid", "fixed-id")
			return wire.RawResponse{Header: h, Body: []byte(`{"Roots":[{"Id":"r-ab12"}]}`)}, nil
		},
	}))
	req, _ := http.NewRequestWithContext(ctx(t), http.MethodPost, "http://localaws.internal/", strings.NewReader("{}"))
	req.Header.Set("Authorization", strings.Replace(goodAuth, "/sts/", "/organizations/", 1))
	req.Header.Set("X-Amz-Target", "AWSOrganizationsV20161128.ListRoots")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct{ Roots []struct{ Id string } } //nolint:revive // the wire name
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || len(doc.Roots) != 1 || doc.Roots[0].Id != "r-ab12" {
		t.Errorf("ListRoots body = %+v, %v", doc, err)
	}
	if resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" || resp.Header.Get("X-Amzn-Requestid") != "fixed-id" || len(resp.Header.Get("X-Amz-Request-Id")) != 36 {
		t.Errorf("headers = %v", resp.Header)
	}
}

func TestRESTServiceMustRoute(t *testing.T) {
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(string), "wire.RESTService") {
			t.Errorf("NewServer with a RESTJSON service lacking Route: panic %v, want one naming wire.RESTService", p)
		}
	}()
	wire.NewServer(wire.ServerOptions{Services: []wire.Service{&fakeService{name: "lambda", proto: wire.RESTJSON}}})
}
