// Package identity is the credential side of the local AWS emulator: a
// registry of the credentials it issued (it implements wire.Authenticator)
// and the STS service (AssumeRole, GetCallerIdentity) that issues them.
//
// Who a request comes from is decided by its access key ID alone (signatures
// are not verified, see wire.RequestScope):
//
//   - Keys issued by AssumeRole (ASIA…) resolve to the assumed role session,
//     until they expire on the emulator clock; then every call answers
//     ExpiredToken (ExpiredTokenException for JSON services).
//   - Keys that look issued (ASIA…) but are unknown answer InvalidClientTokenId
//     (UnrecognizedClientException for JSON services), so a session from a
//     previous emulator run never silently becomes an administrator.
//   - Any other key, e.g. the conventional `test`, is the management
//     account's administrator: arn:aws:iam::<management>:user/admin. Point any
//     SDK or CLI at the emulator with dummy keys and you act as the
//     organization's administrator, the identity Landfall runs as.
//
// Who may assume which role is decided by IAM policies (see package authz,
// which evaluates the target role's trust policy and the caller's identity
// policies before AssumeRole runs). AssumeRole itself answers AccessDenied,
// with AWS's message, for a role that does not exist or whose account is not
// an active account of the organization: AWS does not say which check
// failed. The administrator's identity policy is AdministratorAccess; an
// assumed role's are the role's own (org.Role).
//
// Functions' execution roles are assumed by the Lambda service, not through
// the API: ServiceCredentials issues such sessions when the role's trust
// policy allows the service principal.
//
// Expiration and the SDK's credential cache: the SDK decides when to refresh
// credentials by comparing Expiration with the wall clock, while the emulator
// may run on a manual clock that tests move by hours. AssumeRole therefore
// reports Expiration as the wall-clock time at which the session's remaining
// lifetime would run out (identical to the emulator's expiry when the
// emulator runs on the wall clock; divided by Options.Speed on a sped-up
// one). An SDK credentials cache thus refreshes
// as often as it would against AWS in real time; a test that advances a
// manual clock past a session's expiry while keeping the same cache sees
// ExpiredToken, exactly as a client would that ignored Expiration.
package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// issuedKeyPrefix starts every access key the registry issues, as AWS's
// temporary credentials start with ASIA.
const issuedKeyPrefix = "ASIA"

// retention is how long expired sessions are remembered, so their keys keep
// answering ExpiredToken (not InvalidClientTokenId) for a while.
const retention = 24 * time.Hour

// session is an issued set of temporary credentials.
type session struct {
	caller  wire.Caller
	secret  string
	token   string
	expires time.Time
}

// Registry issues temporary credentials and resolves access keys to callers.
// It is safe for concurrent use.
type Registry struct {
	org   *org.Organization
	wall  clock.Clock
	speed float64

	mu       sync.Mutex
	sessions map[string]*session
	issued   int
}

var _ wire.Authenticator = (*Registry)(nil)

// Options configures a Registry.
type Options struct {
	// Wall is the clock SDK clients judge credential expiry by; nil means the
	// real wall clock. See the package documentation on Expiration.
	Wall clock.Clock
	// Speed is how many emulated seconds pass per real second when the
	// emulator runs on a sped-up wall clock (clock.Wall.Speed); values <= 1
	// mean real time. Reported expirations are scaled by it so clients
	// refresh before the emulator expires their sessions.
	Speed float64
}

// New returns a registry for the organization o.
func New(o *org.Organization, opts Options) *Registry {
	r := &Registry{org: o, wall: opts.Wall, speed: opts.Speed, sessions: map[string]*session{}}
	if r.wall == nil {
		r.wall = &clock.Wall{}
	}
	return r
}

// Admin returns the management account administrator, the identity of every
// access key the registry did not issue.
func (r *Registry) Admin() wire.Caller {
	mgmt := r.org.ManagementAccount()
	return wire.Caller{
		Account: mgmt,
		ARN:     "arn:aws:iam::" + mgmt + ":user/admin",
		UserID:  "AIDA" + stableID("user/admin@"+mgmt),
		Admin:   true,
	}
}

// Authenticate implements wire.Authenticator.
func (r *Registry) Authenticate(accessKeyID string, now time.Time) (wire.Caller, error) {
	if !strings.HasPrefix(accessKeyID, issuedKeyPrefix) {
		c := r.Admin()
		c.AccessKeyID = accessKeyID
		return c, nil
	}
	r.mu.Lock()
	s, ok := r.sessions[accessKeyID]
	r.mu.Unlock()
	switch {
	case !ok:
		return wire.Caller{}, &wire.Error{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid.", Status: http.StatusForbidden}
	case !now.Before(s.expires):
		return wire.Caller{}, &wire.Error{Code: "ExpiredToken", Message: "The security token included in the request is expired"}
	}
	return s.caller, nil
}

// Issue creates temporary credentials for caller, valid until expires on the
// emulator clock. It returns the access key ID, secret key and session token.
func (r *Registry) Issue(caller wire.Caller, now, expires time.Time) (keyID, secret, token string) {
	keyID = issuedKeyPrefix + randomString(16)
	secret = randomSecret(30)
	token = randomSecret(96)
	caller.AccessKeyID = keyID

	r.mu.Lock()
	defer r.mu.Unlock()
	r.sessions[keyID] = &session{caller: caller, secret: secret, token: token, expires: expires}
	r.issued++
	if r.issued%1000 == 0 {
		for k, s := range r.sessions {
			if now.Sub(s.expires) > retention {
				delete(r.sessions, k)
			}
		}
	}
	return keyID, secret, token
}

// Sessions returns how many issued sessions are still valid at now; for tests
// and diagnostics.
func (r *Registry) Sessions(now time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, s := range r.sessions {
		if now.Before(s.expires) {
			n++
		}
	}
	return n
}

// RoleARN returns the IAM ARN of role in account.
func RoleARN(account, role string) string {
	return "arn:aws:iam::" + account + ":role/" + role
}

// AssumeRoleDenied is STS's answer when caller may not assume roleARN.
func AssumeRoleDenied(caller wire.Caller, roleARN string) *wire.Error {
	return wire.AccessDenied(fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, roleARN))
}

// assumable reports whether role exists in an active account of the
// organization; whether a caller may assume it is for IAM to decide.
func (r *Registry) assumable(account, role string) bool {
	a, ok := r.org.Account(account)
	return ok && a.Status == org.StatusActive && r.org.RoleExists(account, role)
}

// idAlphabet is the alphabet of AWS unique IDs and access keys.
var idAlphabet = base32.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").WithPadding(base32.NoPadding)

// stableID derives a 17-character unique ID (as in AROA…/AIDA…) from name,
// so a role has the same ID across sessions and emulator runs.
func stableID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return idAlphabet.EncodeToString(sum[:])[:17]
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return idAlphabet.EncodeToString(b)[:n]
}

func randomSecret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.StdEncoding.EncodeToString(b)
}

// reportedExpiry is the Expiration reported to clients for a session lasting
// d: when its remaining lifetime runs out by the clock clients judge it by.
func (r *Registry) reportedExpiry(d time.Duration) time.Time {
	if r.speed > 1 {
		d = time.Duration(float64(d) / r.speed)
	}
	return r.wall.Now().Add(d).Truncate(time.Second)
}
