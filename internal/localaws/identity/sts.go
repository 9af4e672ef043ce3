package identity

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// Session duration limits of AssumeRole. Roles are modelled with AWS's
// default MaxSessionDuration of one hour.
const (
	minSessionDuration     = 900 * time.Second
	maxSessionDuration     = 43200 * time.Second
	defaultSessionDuration = time.Hour
	roleMaxSessionDuration = time.Hour
)

// Namespace is STS's XML namespace.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// Service is the STS API (awsQuery) over a Registry.
type Service struct {
	reg *Registry
}

// NewService returns the STS service issuing credentials from reg.
func NewService(reg *Registry) *Service { return &Service{reg: reg} }

var _ wire.Service = (*Service)(nil)

// SigningName implements wire.Service.
func (*Service) SigningName() string { return "sts" }

// Protocol implements wire.Service.
func (*Service) Protocol() wire.Protocol { return wire.Query }

// TargetPrefix implements wire.Service.
func (*Service) TargetPrefix() string { return "" }

// XMLNamespace implements wire.Service.
func (*Service) XMLNamespace() string { return Namespace }

// Operations implements wire.Service.
func (s *Service) Operations() map[string]wire.Operation {
	return map[string]wire.Operation{
		"AssumeRole":        wire.Op(s.assumeRole),
		"GetCallerIdentity": wire.Op(s.getCallerIdentity),
	}
}

var (
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)
	roleARNPattern     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}):role/(?:[\x21-\x7E]*/)?([\w+=,.@-]{1,64})$`)
)

// validation is STS's ValidationError in AWS's "1 validation error detected" form.
func validation(value, member, constraint string) *wire.Error {
	return wire.Validation(fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint))
}

type callerIdentityResult struct {
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
	Arn     string `xml:"Arn"`
}

func (s *Service) getCallerIdentity(r *wire.Request, _ *struct{}) (any, error) {
	return callerIdentityResult{UserID: r.Caller.UserID, Account: r.Caller.Account, Arn: r.Caller.ARN}, nil
}

type credentialsXML struct {
	AccessKeyID     string         `xml:"AccessKeyId"`
	SecretAccessKey string         `xml:"SecretAccessKey"`
	SessionToken    string         `xml:"SessionToken"`
	Expiration      wire.Timestamp `xml:"Expiration"`
}

type assumedRoleUserXML struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

type assumeRoleResult struct {
	Credentials     credentialsXML     `xml:"Credentials"`
	AssumedRoleUser assumedRoleUserXML `xml:"AssumedRoleUser"`
}

// assumeRoleInput is AssumeRole's input. DurationSeconds stays a string:
// a value that is not a number has its own error.
type assumeRoleInput struct {
	RoleARN         string `query:"RoleArn"`
	RoleSessionName string
	DurationSeconds string
}

func (s *Service) assumeRole(r *wire.Request, in *assumeRoleInput) (any, error) {
	roleARN := in.RoleARN
	sessionName := in.RoleSessionName
	if roleARN == "" {
		return nil, &wire.Error{Code: "MissingParameter", Message: "The request must contain the parameter RoleArn."}
	}
	if sessionName == "" {
		return nil, &wire.Error{Code: "MissingParameter", Message: "The request must contain the parameter RoleSessionName."}
	}
	switch {
	case len(roleARN) < 20 || len(roleARN) > 2048:
		return nil, validation(roleARN, "roleArn", "Member must have length between 20 and 2048")
	case len(sessionName) < 2:
		return nil, validation(sessionName, "roleSessionName", "Member must have length greater than or equal to 2")
	case len(sessionName) > 64:
		return nil, validation(sessionName, "roleSessionName", "Member must have length less than or equal to 64")
	case !sessionNamePattern.MatchString(sessionName):
		return nil, validation(sessionName, "roleSessionName", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	m := roleARNPattern.FindStringSubmatch(roleARN)
	if m == nil {
		return nil, wire.Validation(fmt.Sprintf("%s is invalid: want arn:aws:iam::<12-digit account>:role/<name>", roleARN))
	}
	account, role := m[1], m[2]

	duration := defaultSessionDuration
	if v := in.DurationSeconds; v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			return nil, &wire.Error{Code: "MalformedInput", Message: fmt.Sprintf("DurationSeconds %q is not an integer", v)}
		case time.Duration(n)*time.Second < minSessionDuration:
			return nil, validation(v, "durationSeconds", "Member must have value greater than or equal to 900")
		case time.Duration(n)*time.Second > maxSessionDuration:
			return nil, validation(v, "durationSeconds", "Member must have value less than or equal to 43200")
		case time.Duration(n)*time.Second > roleMaxSessionDuration:
			return nil, wire.Validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
		duration = time.Duration(n) * time.Second
	}

	// Only real roles in reachable accounts can be assumed; AWS does not say
	// which check failed, and neither does the emulator.
	if !s.reg.assumable(account, role) {
		return nil, AssumeRoleDenied(r.Caller, roleARN)
	}

	caller := roleSession(account, role, sessionName)
	expires := r.Now.Add(duration)
	key, secret, token := s.reg.Issue(caller, r.Now, expires)
	return assumeRoleResult{
		Credentials: credentialsXML{
			AccessKeyID: key, SecretAccessKey: secret, SessionToken: token,
			Expiration: wire.Timestamp(s.reg.reportedExpiry(duration)),
		},
		AssumedRoleUser: assumedRoleUserXML{AssumedRoleID: caller.UserID, Arn: caller.ARN},
	}, nil
}

// RegionDisabled is STS's answer in a region that is not enabled for account.
func RegionDisabled(account string) *wire.Error {
	return &wire.Error{
		Code:    "RegionDisabledException",
		Message: "STS is not activated in this region for account:" + account + ". Your account administrator can activate STS in this region using the IAM Console.",
		Status:  http.StatusForbidden,
	}
}

// ParseRoleARN returns the account and role name of an IAM role ARN.
func ParseRoleARN(arn string) (account, role string, ok bool) {
	m := roleARNPattern.FindStringSubmatch(strings.TrimSpace(arn))
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// roleSession is the caller a session of role in account acts as.
func roleSession(account, role, sessionName string) wire.Caller {
	return wire.Caller{
		Account:     account,
		ARN:         fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", account, role, sessionName),
		UserID:      "AROA" + stableID("role/"+role+"@"+account) + ":" + sessionName,
		RoleARN:     RoleARN(account, role),
		RoleName:    role,
		SessionName: sessionName,
	}
}
