// Package authz is the IAM authorization of the local AWS emulator: a
// wire.Middleware that decides every call with the policies AWS would
// evaluate, using package iampolicy, and refuses it in the shape the
// service's protocol uses (AccessDenied, AccessDeniedException,
// AuthorizationError), naming the action.
//
// For each operation (see rules) it knows the IAM action, the resource the
// request acts on and the condition keys the request carries. The caller's
// identity policies come from package identity (AdministratorAccess for the
// management account's built-in administrator, a role's own policies for
// its sessions); the resource's policy is the queue or topic policy, the
// role's trust policy for sts:AssumeRole, and the key policy for the KMS
// checks of encrypted queues and topics.
//
// Where it sits: after authentication, the disabled-region check and the
// fault rules (throttling), and after the request is validated against the
// service model, just before the operation. AWS's front ends authenticate
// and rate-limit a request before anything else, and IAM needs the
// resource the request names, so a malformed request gets the service's
// validation error, not AccessDenied. A resource named in a malformed way
// (a QueueUrl that is not one) is left for the operation to refuse.
//
// How accounts combine follows AWS: within one account an identity policy
// or a resource policy naming the principal allows; across accounts both
// must. Organizations, Service Catalog and Account Management have no
// resource policies here: IAM checks the caller's identity policies only,
// and the services apply their own rules (management account only;
// portfolio shares and principal associations; trusted access). A role's
// trust policy must always allow AssumeRole, and a KMS key's policy must
// always allow its use (directly, or by naming the account, which delegates
// to IAM policies), as IAM and KMS require.
//
// Not modelled: service control policies, permission boundaries and session
// policies. A call allowed here may still be denied by an SCP in AWS.
//
// aws:SecureTransport: AWS endpoints are HTTPS and the SDKs reach them over
// TLS, while the emulator is served over plain HTTP or in memory. Requests
// therefore count as sent over TLS ("true"), so the usual "deny unless
// aws:SecureTransport" statements let the SDKs through as they would in
// AWS; Config.InsecureTransport makes every request count as plain HTTP
// instead, to test those statements.
package authz

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
	"github.com/landfall/landfall/internal/localaws/identity"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// Organization is what authorization needs to know of the organization.
type Organization interface {
	ID() string
	ManagementAccount() string
	Contains(account string) bool
	Role(account, name string) (*org.Role, bool)
}

// Identities answers the identity policies of a caller (identity.Registry).
type Identities interface {
	Policies(wire.Caller) []*iampolicy.Policy
}

// ResourcePolicies answers the resource policy and KMS key of a queue or
// topic by ARN; ok is false when there is no such resource.
type ResourcePolicies interface {
	ResourcePolicy(arn string) (policy *iampolicy.Policy, kmsKey string, ok bool)
}

// Config wires an Authorizer to the emulator's state.
type Config struct {
	// Org is the organization: its ID, management account and roles.
	Org Organization
	// Identities answers callers' identity policies.
	Identities Identities
	// Queues and Topics answer queue and topic policies and keys; nil
	// means none.
	Queues, Topics ResourcePolicies
	// Keys are the KMS keys of encrypted queues and topics; nil means none.
	Keys *Keys
	// CatalogOwners maps "<region>/<portfolio or product ID>" to the
	// account owning it, for Service Catalog resource ARNs.
	CatalogOwners map[string]string
	// InsecureTransport makes every request count as sent over plain HTTP
	// (aws:SecureTransport "false"); see the package documentation.
	InsecureTransport bool
}

// Authorizer decides calls. It holds no mutable state of its own and is
// safe for concurrent use.
type Authorizer struct {
	org       Organization
	ids       Identities
	queues    ResourcePolicies
	topics    ResourcePolicies
	keys      *Keys
	owners    map[string]string
	transport string
}

// New returns an Authorizer over cfg.
func New(cfg Config) *Authorizer {
	a := &Authorizer{
		org: cfg.Org, ids: cfg.Identities, queues: cfg.Queues, topics: cfg.Topics,
		keys: cfg.Keys, owners: cfg.CatalogOwners, transport: "true",
	}
	if cfg.InsecureTransport {
		a.transport = "false"
	}
	if a.keys == nil {
		a.keys, _ = NewKeys(KMSSpec{}) // an empty spec is valid
	}
	return a
}

// Middleware returns the wire middleware authorizing every call.
func (a *Authorizer) Middleware() wire.Middleware {
	return func(next wire.Operation) wire.Operation {
		return func(r *wire.Request) (any, error) {
			if err := a.Authorize(r); err != nil {
				return nil, err
			}
			return next(r)
		}
	}
}

// Check reports every operation of services that has no authorization
// rule: such an operation would answer InternalFailure rather than run
// unchecked. The emulator calls it when it starts.
func Check(services []wire.Service) error {
	var missing []string
	for _, s := range services {
		for op := range s.Operations() {
			if _, ok := rules[s.SigningName()][op]; !ok {
				missing = append(missing, s.SigningName()+"."+op)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("authz: no IAM rule for %s; add each to the rules table in internal/localaws/authz/table.go with its action and resource from the Service Authorization Reference", strings.Join(missing, ", "))
	}
	return nil
}

// identityOnly are the services whose resources have no resource policy
// here: IAM checks the caller's identity policies in the caller's account,
// and the service enforces who else may see what.
var identityOnly = map[string]bool{"organizations": true, "servicecatalog": true, "account": true}

// Authorize decides one call: nil, or the service's refusal.
func (a *Authorizer) Authorize(r *wire.Request) error {
	rl, ok := rules[r.Service][r.Operation]
	switch {
	case !ok:
		return wire.InternalFailure(fmt.Sprintf("the local AWS has no IAM rule for %s.%s; add one to internal/localaws/authz/table.go", r.Service, r.Operation))
	case rl.free:
		return nil
	}
	resource, owner, ok := a.resource(rl, r)
	if !ok {
		return nil // malformed: the operation refuses it
	}
	sub := a.subject(r.Caller)
	req := iampolicy.Request{Action: rl.action, Resource: resource, Principal: sub.principal, Context: a.context(r, sub, owner)}
	target := a.target(r.Service, resource)
	boundary := owner
	if identityOnly[r.Service] {
		boundary = r.Caller.Account
	}
	// Decide requires a role's trust policy to allow on its own, as IAM does.
	if d := iampolicy.Decide(req, sub.policies, target.policy, boundary); !d.Allowed {
		return denied(r, req, d)
	}
	if rl.kms != kmsNone && target.key != "" {
		return a.checkKMS(r, rl.kms, sub, resource, target.key)
	}
	return nil
}

// resource returns the resource a request acts on and the account owning
// it (the caller's for "*"); ok is false when the request names it in a
// malformed way.
func (a *Authorizer) resource(rl rule, r *wire.Request) (resource, owner string, ok bool) {
	resource = "*"
	if rl.resource != nil {
		if resource, ok = rl.resource(a, &call{r: r}); !ok {
			return "", "", false
		}
	}
	if owner = accountOf(resource); owner == "" {
		owner = r.Caller.Account
	}
	return resource, owner, true
}

// subject is the caller as IAM sees it.
type subject struct {
	principal iampolicy.Principal
	// arn is aws:PrincipalArn: the role ARN for a role session.
	arn      string
	policies []*iampolicy.Policy
}

func (a *Authorizer) subject(c wire.Caller) subject {
	s := subject{arn: c.ARN, principal: iampolicy.Principal{AWS: c.ARN, Account: c.Account}}
	if c.RoleARN != "" {
		s.arn = c.RoleARN
		s.principal = iampolicy.Principal{AWS: c.RoleARN, SessionARN: c.ARN, Account: c.Account}
	}
	if a.ids != nil {
		s.policies = a.ids.Policies(c)
	}
	return s
}

// target is what a resource brings to a decision.
type target struct {
	policy *iampolicy.Policy
	// key is the KMS key id of an encrypted queue or topic.
	key string
}

func (a *Authorizer) target(service, resource string) target {
	var src ResourcePolicies
	switch service {
	case "sqs":
		src = a.queues
	case "sns":
		src = a.topics
	case "sts":
		var t target
		if account, name, ok := identity.ParseRoleARN(resource); ok {
			if role, ok := a.org.Role(account, name); ok {
				t.policy = role.Trust
			}
		}
		return t
	}
	if src == nil {
		return target{}
	}
	p, key, _ := src.ResourcePolicy(resource)
	return target{policy: p, key: key}
}

// context returns the condition keys of a request: the global ones IAM
// sets for every call, and the service's own. The values share one backing
// array: the middleware runs on every call.
func (a *Authorizer) context(r *wire.Request, s subject, owner string) map[string][]string {
	v := [...]string{s.arn, r.Caller.Account, principalType(r.Caller), r.Caller.UserID, owner, a.transport, r.Region, "false", a.org.ID()}
	ctx := make(map[string][]string, 14)
	ctx["aws:PrincipalArn"] = v[0:1:1]
	ctx["aws:PrincipalAccount"] = v[1:2:2]
	ctx["aws:PrincipalType"] = v[2:3:3]
	ctx["aws:userid"] = v[3:4:4]
	ctx["aws:ResourceAccount"] = v[4:5:5]
	ctx["aws:SecureTransport"] = v[5:6:6]
	ctx["aws:RequestedRegion"] = v[6:7:7]
	ctx["aws:PrincipalIsAWSService"] = v[7:8:8]
	ctx["aws:ViaAWSService"] = v[7:8:8]
	if a.org.Contains(r.Caller.Account) {
		ctx["aws:PrincipalOrgID"] = v[8:9:9]
	}
	if a.org.Contains(owner) {
		ctx["aws:ResourceOrgID"] = v[8:9:9]
	}
	if r.Caller.Admin {
		ctx["aws:username"] = []string{"admin"}
	}
	switch {
	case r.Service == "sns" && r.Operation == "Subscribe":
		setIf(ctx, "sns:Protocol", r.Form.Get("Protocol"))
		setIf(ctx, "sns:Endpoint", r.Form.Get("Endpoint"))
	case r.Service == "account" && r.Operation != "ListRegions":
		setIf(ctx, "account:TargetRegion", targetRegion(r))
	case r.Service == "sts" && r.Operation == "AssumeRole":
		setIf(ctx, "sts:RoleSessionName", r.Form.Get("RoleSessionName"))
		setIf(ctx, "sts:ExternalId", r.Form.Get("ExternalId"))
	}
	return ctx
}

func setIf(ctx map[string][]string, key, value string) {
	if value != "" {
		ctx[key] = []string{value}
	}
}

func principalType(c wire.Caller) string {
	if c.RoleARN != "" {
		return "AssumedRole"
	}
	return "User"
}

// catalogOwner returns the account owning a portfolio or product.
func (a *Authorizer) catalogOwner(region, id string) (string, bool) {
	owner, ok := a.owners[region+"/"+id]
	return owner, ok
}

// withKeys returns a copy of ctx with extra keys; ctx is not changed.
func withKeys(ctx map[string][]string, kv ...string) map[string][]string {
	out := make(map[string][]string, len(ctx)+len(kv)/2)
	for k, v := range ctx {
		out[k] = slices.Clone(v)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = []string{kv[i+1]}
	}
	return out
}
