package wire

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unique"
)

// Authenticator resolves an access key ID to a Caller, or answers an *Error
// such as InvalidClientTokenId or ExpiredToken (either protocol's spelling of
// a common error code is accepted: the server translates it, see Localize).
type Authenticator interface {
	Authenticate(accessKeyID string, now time.Time) (Caller, error)
}

// AuthFunc adapts a function to the Authenticator interface.
type AuthFunc func(accessKeyID string, now time.Time) (Caller, error)

// Authenticate calls f.
func (f AuthFunc) Authenticate(accessKeyID string, now time.Time) (Caller, error) {
	return f(accessKeyID, now)
}

// Scope is the SigV4 credential scope of a request:
// Credential=<AccessKeyID>/<Date>/<Region>/<Service>/aws4_request.
type Scope struct {
	AccessKeyID string
	Date        string
	Region      string
	Service     string
}

// errNoAuth reports a request that carries no signature at all.
var errNoAuth = errors.New("no authorization")

// sigV4Algorithm is the only signing algorithm the emulator accepts; the SDK
// clients and the AWS CLI all sign with it.
const sigV4Algorithm = "AWS4-HMAC-SHA256"

// RequestScope extracts the credential scope from a signed request: from the
// Authorization header, or from the X-Amz-Credential query parameter of a
// presigned URL.
//
// The signature itself is not verified. The emulator trusts the access key ID
// the way a test double trusts its caller: verifying would need every
// client's secret, including the dummy `test` keys any tool may use, and
// would buy no fidelity that Landfall relies on. Identity comes from the key
// ID alone, which is what the Authenticator resolves.
func RequestScope(r *http.Request) (Scope, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		return ParseAuthorization(h)
	}
	if c := r.URL.Query().Get("X-Amz-Credential"); c != "" {
		if alg := r.URL.Query().Get("X-Amz-Algorithm"); alg != sigV4Algorithm {
			return Scope{}, fmt.Errorf("unsupported X-Amz-Algorithm %q, want %s", alg, sigV4Algorithm)
		}
		return parseCredential(c)
	}
	return Scope{}, errNoAuth
}

// ParseAuthorization parses a SigV4 Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=...
func ParseAuthorization(header string) (Scope, error) {
	alg, rest, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || alg != sigV4Algorithm {
		return Scope{}, fmt.Errorf("authorization header must start with %s", sigV4Algorithm)
	}
	var credential string
	var signed, signature bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signed = v != ""
		case "Signature":
			signature = v != ""
		}
	}
	var missing []string
	if credential == "" {
		missing = append(missing, "Credential")
	}
	if !signed {
		missing = append(missing, "SignedHeaders")
	}
	if !signature {
		missing = append(missing, "Signature")
	}
	if len(missing) > 0 {
		return Scope{}, fmt.Errorf("authorization header requires %s parameters", strings.Join(missing, ", "))
	}
	return parseCredential(credential)
}

// parseCredential parses AKID/date/region/service/aws4_request.
func parseCredential(c string) (Scope, error) {
	parts := strings.Split(c, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return Scope{}, fmt.Errorf("credential %q must be <AccessKeyId>/<date>/<region>/<service>/aws4_request", c)
	}
	for i, name := range []string{"access key ID", "date", "region", "service"} {
		if parts[i] == "" {
			return Scope{}, fmt.Errorf("credential %q has an empty %s", c, name)
		}
	}
	// Copies, not substrings: the scope's strings end up in what the
	// emulator keeps (the call log, resources' regions and owners), and a
	// substring would keep the whole signed header alive with them. The
	// date, region and service take a handful of values, so one copy of
	// each serves every request.
	return Scope{
		AccessKeyID: strings.Clone(parts[0]),
		Date:        unique.Make(parts[1]).Value(),
		Region:      unique.Make(parts[2]).Value(),
		Service:     unique.Make(parts[3]).Value(),
	}, nil
}
