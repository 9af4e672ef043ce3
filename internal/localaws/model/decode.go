package model

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// document returns the request's input as a document of model member
// names, decoded the way the request's protocol carries it; ok is false
// when the request cannot be read (the operation then answers the
// protocol's serialization error itself).
func (s *Service) document(r *wire.Request, input string) (doc map[string]any, ok bool) {
	sh := s.Shapes[input]
	if sh == nil {
		return nil, false
	}
	switch r.Protocol {
	case wire.Query:
		return s.queryStruct(r.Form, sh, ""), true
	case wire.RESTJSON:
		return s.restDocument(r, sh)
	default:
		return r.Document()
	}
}

// restDocument reads a restJson1 input: members bound to the URI, query
// string and headers, the payload member from the raw body, the others
// from a JSON body.
func (s *Service) restDocument(r *wire.Request, sh *Shape) (map[string]any, bool) {
	doc := map[string]any{}
	if sh.Payload != "" {
		if len(r.Body) > 0 {
			doc[sh.Payload] = r.Body
		}
	} else {
		var ok bool
		if doc, ok = wire.DecodeDocument(r.Body); !ok {
			return nil, false
		}
	}
	for _, m := range sh.Members {
		name := m.LocationName
		if name == "" {
			name = m.Name
		}
		var v string
		var present bool
		switch m.Location {
		case "uri":
			v, present = r.PathParams[name]
		case "querystring":
			if vs, ok := r.Query[name]; ok && len(vs) > 0 {
				v, present = vs[0], true
			}
		case "header":
			if vs := r.Header.Values(name); len(vs) > 0 {
				v, present = vs[0], true
			}
		default:
			continue
		}
		if present {
			doc[m.Name] = s.scalar(m.Shape, v)
		}
	}
	return doc, true
}

// queryStruct reads a structure from an awsQuery form: members under
// prefix+name (or locationName), lists as name.member.N (name.N when
// flattened), maps as name.entry.N.key / .value (name.N.key flattened).
func (s *Service) queryStruct(form url.Values, sh *Shape, prefix string) map[string]any {
	doc := map[string]any{}
	for _, m := range sh.Members {
		name := m.Name
		if m.LocationName != "" {
			name = m.LocationName
		}
		if v, ok := s.queryValue(form, m.Shape, prefix+name); ok {
			doc[m.Name] = v
		}
	}
	return doc
}

func (s *Service) queryValue(form url.Values, shapeName, key string) (any, bool) {
	sh := s.Shapes[shapeName]
	if sh == nil {
		return nil, false
	}
	switch sh.Type {
	case "structure":
		if !hasPrefix(form, key+".") {
			return nil, false
		}
		return s.queryStruct(form, sh, key+"."), true
	case "list":
		base := key
		if !sh.Flattened {
			item := "member"
			if sh.Member.LocationName != "" {
				item = sh.Member.LocationName
			}
			base = key + "." + item
		}
		if !hasPrefix(form, base+".") {
			// An empty list is sent as the bare name.
			if _, ok := form[key]; ok {
				return []any{}, true
			}
			return nil, false
		}
		var out []any
		for i := 1; ; i++ {
			v, ok := s.queryValue(form, sh.Member.Shape, base+"."+strconv.Itoa(i))
			if !ok {
				break
			}
			out = append(out, v)
		}
		return out, true
	case "map":
		base := key
		if !sh.Flattened {
			base = key + ".entry"
		}
		if !hasPrefix(form, base+".") {
			return nil, false
		}
		kn, vn := "key", "value"
		if sh.Key.LocationName != "" {
			kn = sh.Key.LocationName
		}
		if sh.Value.LocationName != "" {
			vn = sh.Value.LocationName
		}
		out := map[string]any{}
		for i := 1; ; i++ {
			entry := base + "." + strconv.Itoa(i) + "."
			k, ok := form[entry+kn]
			if !ok || len(k) == 0 {
				break
			}
			v, _ := s.queryValue(form, sh.Value.Shape, entry+vn)
			out[k[0]] = v
		}
		return out, true
	default:
		vs, ok := form[key]
		if !ok || len(vs) == 0 {
			return nil, false
		}
		return s.scalar(shapeName, vs[0]), true
	}
}

// scalar converts a member sent as text (a form field, header, label or
// query parameter) to its document type: numbers become json.Number.
func (s *Service) scalar(shapeName, v string) any {
	if sh := s.Shapes[shapeName]; sh != nil {
		switch sh.Type {
		case "integer", "long", "double", "float":
			if _, err := strconv.ParseFloat(v, 64); err == nil {
				return json.Number(v)
			}
		}
	}
	return v
}

func hasPrefix(form url.Values, prefix string) bool {
	for k := range form {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
