package model_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/model"
)

// TestEveryConstraintIsRefused sends, for every operation the emulator
// implements, requests that each break exactly one constraint of the
// operation's model (a missing required member, a value too short or too
// long, outside its pattern or enum, a number out of range, a list too
// long), starting from a valid request. They go through the real SDK
// client: a middleware drops the client's own validation of required
// members and rewrites the serialized request (awsJson body, awsQuery form,
// restJson1 path, query and headers) after the SDK built it. Each must be
// refused with the code that service answers.
func TestEveryConstraintIsRefused(t *testing.T) {
	models, err := model.Load()
	if err != nil {
		t.Fatal(err)
	}
	var total, accepted, wrong int
	for _, svcName := range sortedKeys(baseRequests) {
		svc := models[svcName]
		for _, op := range sortedKeys(baseRequests[svcName]) {
			send := baseRequests[svcName][op]
			cloud, err := newCloud()
			if err != nil {
				t.Fatal(err)
			}
			base, err := capture(t.Context(), cloud, send)
			if vs := svc.Check(op, base); len(vs) > 0 {
				t.Errorf("%s.%s: the base request breaks the model: %v (sent: %v)", svcName, op, vs, err)
				continue
			}
			for _, m := range mutations(svc, op, base) {
				total++
				err := sendMutated(t.Context(), cloud, send, m)
				want := expectedCode(svcName, m.kind)
				switch got := errorCode(err); {
				case err == nil:
					accepted++
					t.Errorf("%s.%s %s: accepted, want %s", svcName, op, m, want)
				case got != want:
					wrong++
					t.Errorf("%s.%s %s: %v, want %s", svcName, op, m, err, want)
				}
			}
		}
	}
	t.Logf("%d requests each breaking one model constraint: %d accepted, %d refused with the wrong code", total, accepted, wrong)
	if total < 200 {
		t.Errorf("only %d requests generated; the table lost coverage", total)
	}
}

func newCloud() (*localaws.Cloud, error) {
	w, err := localaws.DefaultWorld()
	if err != nil {
		return nil, err
	}
	return localaws.New(w, localaws.Options{})
}

// expectedCode is the error each service answers for a broken constraint
// (see model.Validator).
func expectedCode(service, kind string) string {
	switch service {
	case "organizations":
		return "InvalidInputException"
	case "sts":
		if kind == model.KindRequired {
			return "MissingParameter"
		}
		return "ValidationError"
	case "cloudformation":
		return "ValidationError"
	case "sns":
		return "InvalidParameter"
	case "sqs":
		switch kind {
		case model.KindRequired:
			return "MissingParameter"
		case model.KindEnum, model.KindKey:
			return "InvalidAttributeName"
		}
		return "InvalidParameterValue"
	default:
		return "ValidationException"
	}
}

func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// A mutation sets (or, with del, removes) the member at path of the input
// document: member names, list indexes and map keys.
type mutation struct {
	path  []any
	del   bool
	value any
	kind  string
}

func (m mutation) String() string {
	if m.del {
		return fmt.Sprintf("%s: without %v", m.kind, m.path)
	}
	s := fmt.Sprint(m.value)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return fmt.Sprintf("%s: %v=%q", m.kind, m.path, s)
}

// mutations returns one mutation per constraint of a member the base
// document holds that a value can break.
func mutations(svc *model.Service, op string, base map[string]any) []mutation {
	var out []mutation
	walk(svc, svc.Operations[op], base, nil, &out)
	return out
}

func walk(svc *model.Service, shapeName string, v any, path []any, out *[]mutation) {
	sh := svc.Shapes[shapeName]
	if sh == nil {
		return
	}
	switch sh.Type {
	case "structure":
		doc, _ := v.(map[string]any)
		for _, r := range sh.Members {
			val, ok := doc[r.Name]
			if !ok {
				continue
			}
			p := append(slices.Clone(path), r.Name)
			if r.Required && r.Location != "uri" { // a URI label cannot be left out
				*out = append(*out, mutation{path: p, del: true, kind: model.KindRequired})
			}
			if slices.Contains(r.Dropped, model.KindEnum) {
				continue
			}
			walk(svc, r.Shape, val, p, out)
		}
	case "list":
		items, _ := v.([]any)
		if sh.Min != nil && *sh.Min > 0 {
			*out = append(*out, mutation{path: path, value: []any{}, kind: model.KindMinLength})
		}
		if sh.Max != nil && len(items) > 0 && *sh.Max < 200 {
			long := make([]any, int(*sh.Max)+1)
			for i := range long {
				long[i] = items[0]
			}
			*out = append(*out, mutation{path: path, value: long, kind: model.KindMaxLength})
		}
		if len(items) > 0 {
			walk(svc, sh.Member.Shape, items[0], append(slices.Clone(path), 0), out)
		}
	case "map":
		m, _ := v.(map[string]any)
		keys := sortedKeys(m)
		if len(keys) == 0 {
			return
		}
		if ksh := svc.Shapes[sh.Key.Shape]; len(ksh.Enum) > 0 {
			bad := map[string]any{}
			for k, val := range m {
				bad[k] = val
			}
			bad["NotAnAllowedKey"] = m[keys[0]]
			*out = append(*out, mutation{path: path, value: bad, kind: model.KindKey})
		}
		walk(svc, sh.Value.Shape, m[keys[0]], append(slices.Clone(path), keys[0]), out)
	case "string":
		s, _ := v.(string)
		for _, c := range stringMutations(sh, s) {
			*out = append(*out, mutation{path: path, value: c.value, kind: c.kind})
		}
	case "integer", "long":
		if sh.Min != nil {
			*out = append(*out, mutation{path: path, value: json.Number(strconv.Itoa(int(*sh.Min) - 1)), kind: model.KindMinValue})
		}
		if sh.Max != nil {
			*out = append(*out, mutation{path: path, value: json.Number(strconv.Itoa(int(*sh.Max) + 1)), kind: model.KindMaxValue})
		}
	}
}

type candidate struct {
	value, kind string
}

// stringMutations returns values that break exactly one of the shape's
// constraints: every other one still holds.
func stringMutations(sh *model.Shape, base string) []candidate {
	var re *regexp.Regexp
	if sh.GoPattern != "" {
		re = regexp.MustCompile(sh.GoPattern)
	}
	lo, hi := 0, -1
	if sh.Min != nil {
		lo = int(*sh.Min)
	}
	if sh.Max != nil {
		hi = int(*sh.Max)
	}
	okLen := func(s string) bool { n := len([]rune(s)); return n >= lo && (hi < 0 || n <= hi) }
	okPattern := func(s string) bool { return re == nil || re.MatchString(s) }
	okEnum := func(s string) bool { return len(sh.Enum) == 0 || slices.Contains(sh.Enum, s) }
	pick := func(kind string, holds func(string) bool, cands ...string) []candidate {
		for _, c := range cands {
			if holds(c) {
				return []candidate{{c, kind}}
			}
		}
		return nil
	}
	var out []candidate
	if len(sh.Enum) > 0 {
		out = append(out, pick(model.KindEnum, func(s string) bool { return okLen(s) && okPattern(s) && !okEnum(s) }, "NOT_AN_ALLOWED_VALUE", "x")...)
		return out
	}
	if lo > 0 {
		var cands []string
		for _, c := range []string{"a", "0", "A"} {
			cands = append(cands, strings.Repeat(c, lo-1))
		}
		if len(base) >= lo-1 {
			cands = append(cands, base[:lo-1])
		}
		out = append(out, pick(model.KindMinLength, func(s string) bool { return len([]rune(s)) < lo && okPattern(s) }, cands...)...)
	}
	if hi >= 0 {
		var cands []string
		for _, c := range []string{"a", "0", "A", "-"} {
			cands = append(cands, base+strings.Repeat(c, hi+1-len([]rune(base))), strings.Repeat(c, hi+1))
		}
		out = append(out, pick(model.KindMaxLength, func(s string) bool { return len([]rune(s)) > hi && okPattern(s) }, cands...)...)
	}
	if re != nil {
		var cands []string
		for _, bad := range []string{"!", " ", "#", "\u00e9", "\x00", "\t"} {
			cands = append(cands, bad+base, base+bad, bad, strings.Repeat(bad, max(lo, 1)))
			if len(base) > 1 {
				cands = append(cands, base[:1]+bad+base[2:])
			}
		}
		out = append(out, pick(model.KindPattern, func(s string) bool { return okLen(s) && !okPattern(s) }, cands...)...)
	}
	return out
}

// capture sends the base request and returns its input document as the SDK
// serialized it.
func capture(ctx context.Context, cloud *localaws.Cloud, send sender) (map[string]any, error) {
	var doc map[string]any
	err := send(ctx, withRewrite(cloud, func(svc string, d map[string]any) map[string]any {
		doc = d
		return d
	}))
	return doc, err
}

func sendMutated(ctx context.Context, cloud *localaws.Cloud, send sender, m mutation) error {
	return send(ctx, withRewrite(cloud, func(_ string, d map[string]any) map[string]any {
		apply(d, m)
		return d
	}))
}

func apply(doc map[string]any, m mutation) {
	var cur any = doc
	for i, step := range m.path {
		last := i == len(m.path)-1
		switch c := cur.(type) {
		case map[string]any:
			key := step.(string)
			if last {
				if m.del {
					delete(c, key)
				} else {
					c[key] = m.value
				}
				return
			}
			cur = c[key]
		case []any:
			idx := step.(int)
			if last {
				c[idx] = m.value
				return
			}
			cur = c[idx]
		}
	}
}

// withRewrite returns the emulator's config for the management account,
// whose clients skip their own input validation and pass the serialized
// input document through rewrite before sending it.
func withRewrite(cloud *localaws.Cloud, rewrite func(service string, doc map[string]any) map[string]any) aws.Config {
	cfg := cloud.Config("us-east-1", nil)
	models, _ := model.Load()
	cfg.APIOptions = append(cfg.APIOptions, func(st *middleware.Stack) error {
		_, _ = st.Initialize.Remove("OperationInputValidation")
		return st.Serialize.Add(middleware.SerializeMiddlewareFunc("RewriteInput",
			func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
				req := in.Request.(*smithyhttp.Request)
				service := middleware.GetServiceID(ctx)
				op := middleware.GetOperationName(ctx)
				svc := models[signingName(service)]
				if svc == nil {
					return middleware.SerializeOutput{}, middleware.Metadata{}, fmt.Errorf("no model for %s", service)
				}
				nreq, err := rewriteRequest(req, svc, op, rewrite)
				if err != nil {
					return middleware.SerializeOutput{}, middleware.Metadata{}, err
				}
				in.Request = nreq
				return next.HandleSerialize(ctx, in)
			}), middleware.After)
	})
	return cfg
}

func signingName(serviceID string) string {
	switch serviceID {
	case "Service Catalog":
		return "servicecatalog"
	default:
		return strings.ToLower(serviceID)
	}
}

// rewriteRequest decodes the serialized input, rewrites it and encodes it
// back in the request's protocol.
func rewriteRequest(req *smithyhttp.Request, svc *model.Service, op string, rewrite func(string, map[string]any) map[string]any) (*smithyhttp.Request, error) {
	var body []byte
	if s := req.GetStream(); s != nil {
		var err error
		if body, err = io.ReadAll(s); err != nil {
			return nil, err
		}
	}
	inputName := svc.Operations[op]
	input := svc.Shapes[inputName]
	switch {
	case req.Header.Get("X-Amz-Target") != "": // awsJson
		doc := map[string]any{}
		if len(bytes.TrimSpace(body)) > 0 {
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			if err := dec.Decode(&doc); err != nil {
				return nil, err
			}
		}
		out, err := json.Marshal(rewrite(svc.Name, doc))
		if err != nil {
			return nil, err
		}
		return req.SetStream(bytes.NewReader(out))
	case strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded"): // awsQuery
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		doc := map[string]any{}
		if inputName != "" {
			doc = queryDecode(svc, inputName, form, "")
		}
		nform := url.Values{"Action": form["Action"], "Version": form["Version"]}
		if inputName != "" {
			queryEncode(svc, inputName, rewrite(svc.Name, doc), "", nform)
		}
		return req.SetStream(strings.NewReader(nform.Encode()))
	default: // restJson1 (Lambda): labels, query, headers and the payload
		return restRewrite(req, svc, input, body, rewrite)
	}
}
