package wire_test

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
)

const goodAuth = "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"

func TestRawResponses(t *testing.T) {
	srv := newServer(t,
		fakeSTS(map[string]wire.Operation{
			"GetCallerIdentity": func(r *wire.Request) (any, error) { return callerIdentity{Account: r.Caller.Account}, nil },
			"DeleteThing":       func(r *wire.Request) (any, error) { return nil, nil },
		}),
		fakeOrganizations(map[string]wire.Operation{
			"ListRoots": func(r *wire.Request) (any, error) {
				return nil, &wire.Error{Code: "AccessDeniedException", Message: "no", Status: http.StatusForbidden}
			},
		}),
	)
	orgAuth := strings.Replace(goodAuth, "/sts/", "/organizations/", 1)
	tests := []struct {
		name       string
		target     string // X-Amz-Target; empty for Query
		auth       string
		body       string
		wantStatus int
		wantType   string // Content-Type
		wantBody   []string
		wantHeader map[string]string
	}{
		{
			name: "query result", auth: goodAuth, body: "Action=GetCallerIdentity&Version=2011-06-15",
			wantStatus: 200, wantType: "text/xml",
			wantBody: []string{`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId></UserId><Account>111111111111</Account><Arn></Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>`},
		},
		{
			name: "query result without output", auth: goodAuth, body: "Action=DeleteThing",
			wantStatus: 200, wantBody: []string{`<DeleteThingResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><ResponseMetadata><RequestId>`},
		},
		{
			name: "query unknown action", auth: goodAuth, body: "Action=Nope&Version=2011-06-15",
			wantStatus: 400,
			wantBody: []string{
				`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>The action Nope is not valid for this web service.</Message></Error><RequestId>`,
			},
		},
		{name: "query missing action", auth: goodAuth, body: "Version=2011-06-15", wantStatus: 400, wantBody: []string{"<Code>MissingAction</Code>"}},
		{name: "query unknown service", auth: strings.Replace(goodAuth, "/sts/", "/iam/", 1), body: "Action=ListRoles", wantStatus: 400, wantBody: []string{"<Code>InvalidAction</Code>", "ListRoles", "signs as iam"}},
		{name: "garbled authorization", auth: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1", body: "Action=GetCallerIdentity", wantStatus: 403, wantBody: []string{"<Code>IncompleteSignature</Code>", "SignedHeaders"}},
		{name: "wrong algorithm", auth: "Basic dXNlcjpwdw==", body: "Action=GetCallerIdentity", wantStatus: 403, wantBody: []string{"<Code>IncompleteSignature</Code>", "AWS4-HMAC-SHA256"}},
		{name: "bad credential scope", auth: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts, SignedHeaders=host, Signature=x", body: "Action=GetCallerIdentity", wantStatus: 403, wantBody: []string{"aws4_request"}},
		{name: "missing authorization", body: "Action=GetCallerIdentity", wantStatus: 403, wantBody: []string{"<Code>MissingAuthenticationToken</Code>"}},
		{
			name: "json error", target: "AWSOrganizationsV20161128.ListRoots", auth: orgAuth, body: "{}",
			wantStatus: 403, wantType: "application/x-amz-json-1.1",
			wantBody:   []string{`{"__type":"AccessDeniedException","message":"no"}`},
			wantHeader: map[string]string{"X-Amzn-Errortype": "AccessDeniedException"},
		},
		{name: "json unknown prefix", target: "AWS242ServiceCatalogService.SearchProducts", auth: orgAuth, wantStatus: 400, wantBody: []string{`"__type":"UnknownOperationException"`, "SearchProducts"}},
		{name: "json garbled target", target: "nodot", auth: orgAuth, wantStatus: 400, wantBody: []string{`"__type":"UnknownOperationException"`, "nodot"}},
		{name: "json garbled auth", target: "AWSOrganizationsV20161128.ListRoots", auth: "AWS4-HMAC-SHA256 Signature=x", wantStatus: 403, wantBody: []string{`"__type":"IncompleteSignatureException"`, "Credential"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(ctx(t), http.MethodPost, "http://localaws.internal/", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
				req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			} else {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d; body %s", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantType != "" && resp.Header.Get("Content-Type") != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", resp.Header.Get("Content-Type"), tt.wantType)
			}
			for _, want := range tt.wantBody {
				if !strings.Contains(string(body), want) {
					t.Errorf("body = %s\nwant it to contain %s", body, want)
				}
			}
			for k, v := range tt.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			id := resp.Header.Get("X-Amzn-Requestid")
			if len(id) != 36 || resp.Header.Get("X-Amz-Request-Id") != id {
				t.Errorf("request ID headers = %q / %q", id, resp.Header.Get("X-Amz-Request-Id"))
			}
		})
	}
}

func TestPresignedQueryScope(t *testing.T) {
	srv := newServer(t, fakeSTS(map[string]wire.Operation{
		"GetCallerIdentity": func(r *wire.Request) (any, error) { return callerIdentity{Arn: r.Region}, nil },
	}))
	q := url.Values{
		"Action":           {"GetCallerIdentity"},
		"X-Amz-Algorithm":  {"AWS4-HMAC-SHA256"},
		"X-Amz-Credential": {"AKIDADMIN/20260101/eu-west-1/sts/aws4_request"},
	}
	resp, err := srv.Client().Get("http://localaws.internal/?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<Arn>eu-west-1</Arn>") {
		t.Errorf("presigned GET = %d %s", resp.StatusCode, body)
	}
}

func TestParseAuthorization(t *testing.T) {
	got, err := wire.ParseAuthorization(goodAuth)
	want := wire.Scope{AccessKeyID: "AKIDADMIN", Date: "20260101", Region: "us-east-1", Service: "sts"}
	if err != nil || got != want {
		t.Errorf("ParseAuthorization = %+v, %v; want %+v", got, err, want)
	}
}

func TestLocalize(t *testing.T) {
	tests := []struct {
		code  string
		proto wire.Protocol
		want  string
	}{
		{"ThrottlingException", wire.Query, "Throttling"},
		{"Throttling", wire.JSON11, "ThrottlingException"},
		{"ThrottlingException", wire.JSON10, "ThrottlingException"},
		{"InvalidClientTokenId", wire.JSON11, "UnrecognizedClientException"},
		{"ExpiredTokenException", wire.Query, "ExpiredToken"},
		{"AccessDenied", wire.JSON11, "AccessDenied"},
	}
	for _, tt := range tests {
		in := &wire.Error{Code: tt.code, Message: "m"}
		if got := wire.Localize(in, tt.proto); got.Code != tt.want || got.Message != "m" {
			t.Errorf("Localize(%s, %v) = %+v, want code %s", tt.code, tt.proto, got, tt.want)
		}
		if in.Code != tt.code {
			t.Errorf("Localize modified its argument")
		}
	}
}

func TestFormHelpers(t *testing.T) {
	form, err := url.ParseQuery("AttributeNames.member.2=b&AttributeNames.member.1=a&AttributeNames.member.10=c" +
		"&MessageAttributes.entry.1.Name=k1&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v1" +
		"&Attributes.entry.2.key=Policy&Attributes.entry.2.value=%7B%7D&Attributes.entry.1.key=DelaySeconds&Attributes.entry.1.value=5")
	if err != nil {
		t.Fatal(err)
	}
	if got := wire.FormList(form, "AttributeNames"); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("FormList = %v", got)
	}
	structs := wire.FormStructs(form, "MessageAttributes.entry")
	if len(structs) != 1 || structs[0].Get("Name") != "k1" || structs[0].Get("Value.StringValue") != "v1" {
		t.Errorf("FormStructs = %v", structs)
	}
	if got := wire.FormMap(form, "Attributes", "key", "value"); !reflect.DeepEqual(got, map[string]string{"Policy": "{}", "DelaySeconds": "5"}) {
		t.Errorf("FormMap = %v", got)
	}
	if got := wire.FormList(form, "Missing"); got != nil {
		t.Errorf("FormList(Missing) = %v", got)
	}
}

func TestTimestamp(t *testing.T) {
	ts := wire.Timestamp(time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC))
	j, err := json.Marshal(struct {
		T wire.Timestamp
		Z wire.Timestamp `json:",omitzero"`
	}{T: ts})
	if err != nil || string(j) != `{"T":1767323045.678}` {
		t.Errorf("JSON = %s, %v", j, err)
	}
	var back struct{ T wire.Timestamp }
	if err := json.Unmarshal(j, &back); err != nil || !back.T.Time().Equal(ts.Time()) {
		t.Errorf("JSON round trip = %v, %v", back.T.Time(), err)
	}
	x, err := xml.Marshal(struct {
		XMLName xml.Name `xml:"R"`
		T       wire.Timestamp
	}{T: ts})
	if err != nil || string(x) != `<R><T>2026-01-02T03:04:05.678Z</T></R>` {
		t.Errorf("XML = %s, %v", x, err)
	}
}

func TestDecodeJSONMalformed(t *testing.T) {
	r := &wire.Request{Operation: "ListRoots", Body: []byte("{not json")}
	var v struct{}
	err := r.DecodeJSON(&v)
	var e *wire.Error
	if !errors.As(err, &e) || e.Code != "SerializationException" || !strings.Contains(e.Message, "ListRoots") {
		t.Errorf("DecodeJSON = %v", err)
	}
}
