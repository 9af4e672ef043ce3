package model_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/landfall/landfall/internal/localaws/model"
)

// The tests' own reading and writing of the awsQuery and restJson1 wire
// forms, independent of the validator's, so that a mistake in one does not
// hide in the other.

func queryName(r model.Ref) string {
	if r.LocationName != "" {
		return r.LocationName
	}
	return r.Name
}

func listItemKey(sh *model.Shape, key string, i int) string {
	item := "member"
	if sh.Member.LocationName != "" {
		item = sh.Member.LocationName
	}
	return fmt.Sprintf("%s.%s.%d", key, item, i+1)
}

func queryDecode(svc *model.Service, shapeName string, form url.Values, prefix string) map[string]any {
	doc := map[string]any{}
	for _, r := range svc.Shapes[shapeName].Members {
		if v, ok := queryDecodeValue(svc, r.Shape, form, prefix+queryName(r)); ok {
			doc[r.Name] = v
		}
	}
	return doc
}

func hasKeyPrefix(form url.Values, p string) bool {
	for k := range form {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

func queryDecodeValue(svc *model.Service, shapeName string, form url.Values, key string) (any, bool) {
	sh := svc.Shapes[shapeName]
	switch sh.Type {
	case "structure":
		if !hasKeyPrefix(form, key+".") {
			return nil, false
		}
		return queryDecode(svc, shapeName, form, key+"."), true
	case "list":
		var items []any
		for i := 0; ; i++ {
			v, ok := queryDecodeValue(svc, sh.Member.Shape, form, listItemKey(sh, key, i))
			if !ok {
				break
			}
			items = append(items, v)
		}
		if items == nil {
			return nil, false
		}
		return items, true
	case "map":
		m := map[string]any{}
		for i := 1; ; i++ {
			entry := fmt.Sprintf("%s.entry.%d.", key, i)
			k := form.Get(entry + "key")
			if k == "" {
				break
			}
			m[k], _ = queryDecodeValue(svc, sh.Value.Shape, form, entry+"value")
		}
		if len(m) == 0 {
			return nil, false
		}
		return m, true
	default:
		vs, ok := form[key]
		if !ok {
			return nil, false
		}
		if sh.Type == "integer" || sh.Type == "long" {
			return json.Number(vs[0]), true
		}
		return vs[0], true
	}
}

func queryEncode(svc *model.Service, shapeName string, doc map[string]any, prefix string, form url.Values) {
	for _, r := range svc.Shapes[shapeName].Members {
		if v, ok := doc[r.Name]; ok {
			queryEncodeValue(svc, r.Shape, v, prefix+queryName(r), form)
		}
	}
}

func queryEncodeValue(svc *model.Service, shapeName string, v any, key string, form url.Values) {
	sh := svc.Shapes[shapeName]
	switch sh.Type {
	case "structure":
		m, _ := v.(map[string]any)
		queryEncode(svc, shapeName, m, key+".", form)
	case "list":
		items, _ := v.([]any)
		if len(items) == 0 {
			form.Set(key, "")
		}
		for i, item := range items {
			queryEncodeValue(svc, sh.Member.Shape, item, listItemKey(sh, key, i), form)
		}
	case "map":
		m, _ := v.(map[string]any)
		for i, k := range sortedKeys(m) {
			entry := fmt.Sprintf("%s.entry.%d.", key, i+1)
			form.Set(entry+"key", k)
			queryEncodeValue(svc, sh.Value.Shape, m[k], entry+"value", form)
		}
	default:
		form.Set(key, fmt.Sprint(v))
	}
}

// restRewrite rewrites a restJson1 request whose input has a payload
// member (Lambda's Invoke) or none (GetFunction, Account Management's
// operations): labels, query parameters, headers, and the raw payload or
// the JSON document of the body members.
func restRewrite(req *smithyhttp.Request, svc *model.Service, input *model.Shape, body []byte, rewrite func(string, map[string]any) map[string]any) (*smithyhttp.Request, error) {
	doc := map[string]any{}
	// Without a payload member, the members bound nowhere else travel as a
	// JSON document.
	bodyDoc := map[string]any{}
	if input.Payload == "" && len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&bodyDoc); err != nil {
			return nil, err
		}
	}
	jsonBody := false
	segments := strings.Split(req.URL.EscapedPath(), "/")
	labels := map[string]int{}
	for _, r := range input.Members {
		name := queryName(r)
		switch r.Location {
		case "uri":
			// The label is the segment after the literal that names it
			// (functions/{FunctionName}).
			for i, seg := range segments {
				if seg == "functions" && i+1 < len(segments) {
					v, err := url.PathUnescape(segments[i+1])
					if err != nil {
						return nil, err
					}
					doc[r.Name], labels[r.Name] = v, i+1
				}
			}
		case "querystring":
			if vs, ok := req.URL.Query()[name]; ok {
				doc[r.Name] = vs[0]
			}
		case "header":
			if v := req.Header.Get(name); v != "" {
				doc[r.Name] = v
			}
		default:
			switch {
			case r.Name == input.Payload && len(body) > 0:
				doc[r.Name] = string(body)
			case input.Payload == "":
				jsonBody = true
				if v, ok := bodyDoc[r.Name]; ok {
					doc[r.Name] = v
				}
			}
		}
	}
	doc = rewrite(svc.Name, doc)
	outDoc := map[string]any{}
	q := req.URL.Query()
	for _, r := range input.Members {
		name := queryName(r)
		v, present := doc[r.Name]
		s := fmt.Sprint(v)
		if n, ok := v.(json.Number); ok {
			s = n.String()
		}
		switch r.Location {
		case "uri":
			if i, ok := labels[r.Name]; ok && present {
				segments[i] = url.PathEscape(s)
			}
		case "querystring":
			q.Del(name)
			if present {
				q.Set(name, s)
			}
		case "header":
			req.Header.Del(name)
			if present {
				req.Header.Set(name, s)
			}
		default:
			switch {
			case r.Name == input.Payload:
				body = nil
				if present {
					body = []byte(s)
				}
			case input.Payload == "" && present:
				outDoc[r.Name] = v
			}
		}
	}
	if jsonBody {
		var err error
		if body, err = json.Marshal(outDoc); err != nil {
			return nil, err
		}
	}
	path := strings.Join(segments, "/")
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return nil, err
	}
	req.URL.Path, req.URL.RawPath = unescaped, path
	req.URL.RawQuery = q.Encode()
	return req.SetStream(bytes.NewReader(body))
}
