package wire

import (
	"net/http"
	"net/url"
	"strings"
)

// maxRESTBodyBytes bounds a restJson1 request body. Lambda accepts synchronous
// payloads up to 6 MiB and answers its own RequestTooLargeException above
// that, so the emulated service must be able to see such bodies; 8 MiB leaves
// room for that and still refuses a runaway client.
const maxRESTBodyBytes = 8 << 20

// MatchPath matches a request path against a URI pattern of a service model,
// such as "/2015-03-31/functions/{FunctionName}/invocations", and returns the
// labels, percent-decoded. path is the URL path as sent (still encoded, see
// RESTService). A label matches one non-empty path segment; a greedy label
// ("{Key+}") must be the pattern's last segment and matches the rest of the
// path, slashes included. Literal segments match their decoded form exactly.
func MatchPath(pattern, path string) (map[string]string, bool) {
	pat := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	params := map[string]string{}
	for i, p := range pat {
		if i >= len(segs) {
			return nil, false
		}
		name, isLabel := strings.CutPrefix(p, "{")
		if !isLabel {
			seg, err := url.PathUnescape(segs[i])
			if err != nil || seg != p {
				return nil, false
			}
			continue
		}
		name = strings.TrimSuffix(name, "}")
		if greedy, ok := strings.CutSuffix(name, "+"); ok {
			if i != len(pat)-1 {
				return nil, false // a pattern bug: greedy labels end the URI
			}
			v, err := url.PathUnescape(strings.Join(segs[i:], "/"))
			if err != nil || v == "" {
				return nil, false
			}
			params[greedy] = v
			return params, true
		}
		v, err := url.PathUnescape(segs[i])
		if err != nil || v == "" {
			return nil, false
		}
		params[name] = v
	}
	if len(segs) != len(pat) {
		return nil, false
	}
	return params, true
}

// routeREST finds the restJson1 operation a request names by its method and
// path. A request signed for an emulated service is only offered to that
// service, so REST paths never capture another protocol's requests and two
// REST services may share paths; an unsigned request, or one signed for a
// service nobody emulates, is offered to each REST service in registration
// order, so that it gets the REST service's authentication error.
func (s *Server) routeREST(hr *http.Request) (m *mounted, operation string, params map[string]string) {
	if len(s.rest) == 0 {
		return nil, "", nil
	}
	candidates := s.rest
	if scope, err := RequestScope(hr); err == nil {
		if m := s.byName[scope.Service]; m != nil {
			if m.svc.Protocol() != RESTJSON {
				return nil, "", nil
			}
			candidates = []*mounted{m}
		}
	}
	path := hr.URL.EscapedPath()
	for _, m := range candidates {
		op, params, ok := m.svc.(RESTService).Route(hr.Method, path)
		if ok {
			return m, op, params
		}
	}
	return nil, "", nil
}

// restByScope returns the REST service the request is signed for, if any.
func (s *Server) restByScope(hr *http.Request) *mounted {
	scope, err := RequestScope(hr)
	if err != nil {
		return nil
	}
	if m := s.byName[scope.Service]; m != nil && m.svc.Protocol() == RESTJSON {
		return m
	}
	return nil
}
