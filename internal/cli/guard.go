package cli

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The local AWS has no authentication: it trusts the access key a request
// names, and the dummy keys make the caller the management account of the
// emulated organization. On a workstation the danger is not only other
// machines but the user's own browser: any web page can send requests to
// 127.0.0.1, and a page whose DNS name is rebound to 127.0.0.1 can even read
// the answers. The guard below refuses what an SDK client never sends and a
// browser always does, before the emulator sees the request:
//
//   - a Host header naming anything but this server: the address it is bound
//     to, a loopback address or "localhost" (with the server's port), or a
//     host allowed with --allow-host. A DNS-rebinding page sends its own
//     name (Host: evil.example:4566);
//   - an Origin header other than the server's own origin, and a
//     Sec-Fetch-Site header saying "cross-site" or "same-site": browsers send
//     them on cross-origin requests (Origin on every cross-origin POST), SDK
//     clients and the AWS CLI never do;
//   - a POST carrying credentials in its query string (X-Amz-Credential,
//     X-Amz-Signature, X-Amz-Security-Token, AWSAccessKeyId): the shape of a
//     presigned URL, which a page can put in a form's action, while the SDKs
//     sign POSTs in the Authorization header.
//
// Refusals are 403 AccessDenied in the shape of the request's protocol, with
// a message saying what was refused and why.

// guard wraps the emulator's handler with the checks above.
type guard struct {
	next http.Handler
	// port is the port the server listens on, as Host headers write it.
	port string
	// boundIPs are the addresses of the listener besides loopback ones: the
	// address it is bound to, or every interface address when it is bound
	// to all of them.
	boundIPs []net.IP
	// allowed holds the "host:port" pairs --allow-host adds, lower case.
	allowed map[string]bool
}

// newGuard guards next, served on addr (the listener's address, with the
// real port when the flag said :0); allowHosts are --allow-host values,
// "name" (with the server's port) or "name:port".
func newGuard(next http.Handler, addr net.Addr, allowHosts []string) (*guard, error) {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return nil, fmt.Errorf("guard: listener address %s: %w", addr, err)
	}
	g := &guard{next: next, port: port, allowed: map[string]bool{}}
	if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
		g.boundIPs = []net.IP{ip}
	} else if addrs, err := net.InterfaceAddrs(); err == nil {
		// Bound to every address: IP literals of this machine are safe in
		// Host (DNS rebinding needs a name), names are not.
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				g.boundIPs = append(g.boundIPs, n.IP)
			}
		}
	}
	for _, h := range allowHosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		name, p, err := net.SplitHostPort(h)
		if err != nil {
			name, p = strings.Trim(h, "[]"), port
		}
		if n, err := strconv.Atoi(p); name == "" || strings.ContainsAny(name, "/@ :") && net.ParseIP(name) == nil || err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("--allow-host %q: want a host name or address, optionally with :port", h)
		}
		g.allowed[net.JoinHostPort(strings.TrimSuffix(name, "."), p)] = true
	}
	return g, nil
}

// hostAllowed reports whether hostport, from a Host header or an Origin,
// names this server.
func (g *guard) hostAllowed(hostport, defaultPort string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = strings.Trim(hostport, "[]"), defaultPort
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" {
		return false
	}
	if g.allowed[net.JoinHostPort(host, port)] {
		return true
	}
	if port != g.port {
		return false
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true // browsers and resolvers keep these on loopback (RFC 6761)
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	if ip.IsLoopback() {
		return true
	}
	for _, b := range g.boundIPs {
		if b.Equal(ip) {
			return true
		}
	}
	return false
}

// presignedKeys are the query parameters that carry credentials in a
// presigned URL (SigV4, and SigV2's AWSAccessKeyId).
var presignedKeys = []string{"X-Amz-Credential", "X-Amz-Signature", "X-Amz-Security-Token", "AWSAccessKeyId"}

// refusal says why a request is refused, "" when it is not.
func (g *guard) refusal(r *http.Request) string {
	if !g.hostAllowed(r.Host, "80") {
		return fmt.Sprintf("Host %q does not name this local AWS server; it answers only its own address, loopback addresses and localhost on port %s (add a name with --allow-host). A browser page whose DNS name was rebound to this machine sends its own name here.", r.Host, g.port)
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil || !g.hostAllowed(u.Host, "80") {
			return fmt.Sprintf("cross-origin request from %q refused: browsers send Origin, SDK clients do not, and a web page must not act as the management account of the local AWS", origin)
		}
	}
	switch site := strings.ToLower(r.Header.Get("Sec-Fetch-Site")); site {
	case "cross-site", "same-site":
		return fmt.Sprintf("browser request refused (Sec-Fetch-Site: %s): a web page must not act as the management account of the local AWS", site)
	}
	if r.Method == http.MethodPost {
		q := r.URL.Query()
		for k := range q {
			for _, p := range presignedKeys {
				if strings.EqualFold(k, p) {
					return fmt.Sprintf("credentials in the query string (%s) refused on POST: that is a presigned URL, which a web page can submit; sign the request in the Authorization header as the AWS SDKs and CLI do", k)
				}
			}
		}
	}
	return ""
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if why := g.refusal(r); why != "" {
		writeAccessDenied(w, r, why)
		return
	}
	g.next.ServeHTTP(w, r)
}

// guardRequestID is the request ID of every refusal: the emulator never saw
// the request, so it has none of its own.
const guardRequestID = "00000000-0000-0000-0000-00000000guard"

// writeAccessDenied answers 403 AccessDenied in the request's protocol, so
// that an SDK client shows the message: awsJson (X-Amz-Target) as
// {"__type", "message"}, awsQuery (a form POST) as an XML ErrorResponse,
// anything else (restJson, such as Lambda's) as JSON with X-Amzn-ErrorType.
func writeAccessDenied(w http.ResponseWriter, r *http.Request, why string) {
	h := w.Header()
	h.Set("X-Amzn-Requestid", guardRequestID)
	h.Set("Cache-Control", "no-store")
	switch ct := r.Header.Get("Content-Type"); {
	case r.Header.Get("X-Amz-Target") != "":
		if !strings.HasPrefix(ct, "application/x-amz-json-") {
			ct = "application/x-amz-json-1.1"
		}
		h.Set("Content-Type", ct)
		h.Set("X-Amzn-ErrorType", "AccessDeniedException")
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "AccessDeniedException", "message": why})
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		h.Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		type errorBody struct {
			Type    string `xml:"Type"`
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		}
		_ = xml.NewEncoder(w).Encode(struct {
			XMLName   xml.Name  `xml:"ErrorResponse"`
			Error     errorBody `xml:"Error"`
			RequestID string    `xml:"RequestId"`
		}{Error: errorBody{Type: "Sender", Code: "AccessDenied", Message: why}, RequestID: guardRequestID})
	default:
		h.Set("Content-Type", "application/json")
		h.Set("X-Amzn-ErrorType", "AccessDeniedException")
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "AccessDeniedException", "message": why, "Message": why})
	}
}

// isLoopback reports whether addr, a listener's address, accepts
// connections from this machine only.
func isLoopback(addr net.Addr) bool {
	if tcp, ok := addr.(*net.TCPAddr); ok {
		return tcp.IP.IsLoopback()
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// warnOffLoopback prints the warning for a server reachable from other
// machines. addr is the --addr flag, actual the listener's address (which
// says "[::]" for every address, whatever the flag said).
func warnOffLoopback(w io.Writer, addr string, actual net.Addr, management string) {
	shown := actual.String()
	if host, _, err := net.SplitHostPort(addr); err == nil {
		if _, port, err := net.SplitHostPort(shown); err == nil {
			shown = net.JoinHostPort(host, port)
		}
	}
	lines := []string{
		"",
		"WARNING: landfall local serve is listening on " + shown + ", which is NOT a loopback address.",
		"WARNING: The local AWS has no authentication. Anyone who can reach this port can act as the",
		"WARNING: management account (" + management + ") of the emulated organization: invoke the launch",
		"WARNING: function, change the organization, catalog, queues and topics, and read everything in them.",
		"WARNING: Bind to 127.0.0.1 (the default) unless every machine that can reach this one is trusted.",
		"WARNING: Requests must still name this server in Host: other machines' names need --allow-host.",
		"",
	}
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}

// serveSafetyHelp is the part of `landfall local serve --help` that says how
// the server protects the workstation.
const serveSafetyHelp = `
Safety:
  The local AWS has no authentication: whoever reaches it acts as the management
  account of the emulated organization. It listens on loopback by default and
  prints a loud warning when --addr is anything else. To keep web pages open in
  your browser from using it, every request is refused (403 AccessDenied) when
    - its Host header names anything but this server (its bound address, a loopback
      address or localhost, with its port) or a host given with --allow-host, which
      defeats DNS rebinding;
    - it carries an Origin header other than the server's own, or Sec-Fetch-Site
      cross-site or same-site: browsers send these, SDK clients and the AWS CLI do not;
    - it is a POST with credentials in the query string (X-Amz-Credential,
      X-Amz-Signature, X-Amz-Security-Token, AWSAccessKeyId), a presigned URL shape.
  AWS SDKs and the AWS CLI pointed at http://127.0.0.1:PORT or http://localhost:PORT
  are unaffected.
`
