package identity

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/iampolicy"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// LambdaService is the service principal Lambda assumes execution roles as.
const LambdaService = "lambda.amazonaws.com"

// serviceSessionDuration is how long a service-issued session lasts, and
// serviceRefreshWindow how long before its end a new one is issued.
const (
	serviceSessionDuration = time.Hour
	serviceRefreshWindow   = 5 * time.Minute
)

// adminPolicies are the administrator's identity policies, shared: the
// middleware asks on every call.
var adminPolicies = []*iampolicy.Policy{org.AdministratorPolicy()}

// Policies returns the identity policies of caller: AdministratorAccess
// for the administrator, the role's policies for a role session, none for
// anyone else (a session of a role that no longer exists can do nothing).
func (r *Registry) Policies(c wire.Caller) []*iampolicy.Policy {
	switch {
	case c.Admin:
		return adminPolicies
	case c.RoleName != "":
		if role, ok := r.org.Role(c.Account, c.RoleName); ok {
			return role.Policies
		}
	}
	return nil
}

// ServiceTrusts checks that service (a service principal such as
// lambda.amazonaws.com) may assume roleARN: the role exists in an active
// account of the organization and its trust policy allows the service
// sts:AssumeRole. It answers STS's AccessDenied otherwise, naming the
// service as the caller, as AWS reports a service that cannot assume a role.
func (r *Registry) ServiceTrusts(service, roleARN string) (*org.Role, error) {
	account, name, ok := ParseRoleARN(roleARN)
	caller := wire.Caller{ARN: service}
	if !ok {
		return nil, AssumeRoleDenied(caller, roleARN)
	}
	role, exists := r.org.Role(account, name)
	if !exists || !r.assumable(account, name) {
		return nil, AssumeRoleDenied(caller, roleARN)
	}
	req := iampolicy.Request{
		Action:    "sts:AssumeRole",
		Resource:  role.ARN,
		Principal: iampolicy.Principal{Service: service},
		Context:   map[string][]string{"aws:SourceAccount": {account}},
	}
	if !iampolicy.Decide(req, nil, role.Trust, account).Allowed {
		return nil, AssumeRoleDenied(caller, roleARN)
	}
	return role, nil
}

// ServiceCredentials is a credentials provider acting as a session of a role
// a service assumed, e.g. a Lambda function's execution role. Lambda keeps
// a function's credentials fresh; so does this provider, by the emulator
// clock: Retrieve issues a new session when the current one has less than
// five emulated minutes left. It reports CanExpire false, so do not wrap it
// in aws.NewCredentialsCache, which would judge expiry by the wall clock and
// keep a session the emulator has expired. It is safe for concurrent use.
type ServiceCredentials struct {
	reg                       *Registry
	clock                     clock.Clock
	service, roleARN, session string

	mu      sync.Mutex
	current aws.Credentials
	expires time.Time
}

var _ aws.CredentialsProvider = (*ServiceCredentials)(nil)

// NewServiceCredentials checks that service may assume roleARN (see
// ServiceTrusts) and returns a provider of its sessions named sessionName
// (Lambda names them after the function). now is the emulator clock.
func (r *Registry) NewServiceCredentials(now clock.Clock, service, roleARN, sessionName string) (*ServiceCredentials, error) {
	if _, err := r.ServiceTrusts(service, roleARN); err != nil {
		return nil, fmt.Errorf("%s assumes %s: %w", service, roleARN, err)
	}
	return &ServiceCredentials{reg: r, clock: now, service: service, roleARN: roleARN, session: sessionName}, nil
}

// Retrieve implements aws.CredentialsProvider. It checks the trust policy
// again on every new session, as each AssumeRole does.
func (p *ServiceCredentials) Retrieve(context.Context) (aws.Credentials, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	if p.current.AccessKeyID != "" && now.Before(p.expires.Add(-serviceRefreshWindow)) {
		return p.current, nil
	}
	role, err := p.reg.ServiceTrusts(p.service, p.roleARN)
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("%s assumes %s: %w", p.service, p.roleARN, err)
	}
	p.expires = now.Add(serviceSessionDuration)
	key, secret, token := p.reg.Issue(roleSession(role.Account, role.Name, p.session), now, p.expires)
	p.current = aws.Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: token, Source: "localaws " + p.service}
	return p.current, nil
}
