package wire_test

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/localaws/wire"
)

type jsonIn struct {
	Name  string
	Count int
}

type queryIn struct {
	Name    string
	RoleARN string `query:"RoleArn"`
	Count   int
}

type restIn struct {
	FunctionName string `rest:"label"`
	Qualifier    string `rest:"query"`
	Type         string `rest:"header=X-Amz-Invocation-Type"`
	Payload      []byte `rest:"payload"`
}

// echo returns the decoded input, so a test can compare what Op bound.
func echo[In any](_ *wire.Request, in *In) (In, error) { return *in, nil }

func TestOpDecodesPerProtocol(t *testing.T) {
	tests := []struct {
		name string
		op   wire.Operation
		req  *wire.Request
		want any
	}{
		{"awsJson", wire.Op(echo[jsonIn]), &wire.Request{Protocol: wire.JSON11, Body: []byte(`{"Name":"a","Count":2,"Other":1}`)},
			jsonIn{Name: "a", Count: 2}},
		{"awsJson empty body", wire.Op(echo[jsonIn]), &wire.Request{Protocol: wire.JSON10}, jsonIn{}},
		{"awsQuery", wire.Op(echo[queryIn]), &wire.Request{Protocol: wire.Query, Form: url.Values{"Name": {"n"}, "RoleArn": {"arn"}, "Count": {"3"}}},
			queryIn{Name: "n", RoleARN: "arn"}},
		{"restJson1", wire.Op(echo[restIn]), &wire.Request{
			Protocol: wire.RESTJSON, PathParams: map[string]string{"FunctionName": "f"}, Query: url.Values{"Qualifier": {"$LATEST"}},
			Header: http.Header{"X-Amz-Invocation-Type": {"Event"}}, Body: []byte(`{"k":1}`),
		}, restIn{FunctionName: "f", Qualifier: "$LATEST", Type: "Event", Payload: []byte(`{"k":1}`)}},
		{"restJson1 body members", wire.Op(echo[jsonIn]), &wire.Request{Protocol: wire.RESTJSON, Body: []byte(`{"Name":"b"}`)},
			jsonIn{Name: "b"}},
		{"no input reads nothing", wire.Op(echo[struct{}]), &wire.Request{Protocol: wire.JSON11, Body: []byte(`{not json`)},
			struct{}{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.op(tt.req)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Op = %#v, %v; want %#v", got, err, tt.want)
			}
		})
	}
}

func TestOpMalformedJSON(t *testing.T) {
	op := wire.Op(echo[jsonIn])
	_, err := op(&wire.Request{Protocol: wire.JSON11, Operation: "ListThings", Body: []byte(`{"Name":`)})
	var e *wire.Error
	if !errors.As(err, &e) || e.Code != "SerializationException" || !strings.HasPrefix(e.Message, "cannot decode the ListThings request") {
		t.Errorf("error = %v", err)
	}
}

func TestOpTypedNilErrorIsSuccess(t *testing.T) {
	op := wire.Op(func(*wire.Request, *struct{}) (string, error) {
		var none *wire.Error
		return "ok", none
	})
	if got, err := op(&wire.Request{}); err != nil || got != "ok" {
		t.Errorf("Op = %v, %v; want ok, nil", got, err)
	}
}

func TestOpRejectsBadTags(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Op accepted rest:\"payload\" on a string field")
		}
	}()
	type bad struct {
		Body string `rest:"payload"`
	}
	wire.Op(echo[bad])
}
