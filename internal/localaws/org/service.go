package org

import (
	"regexp"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// Service is the AWS Organizations API (read operations) over an
// Organization. Only the management account may call it, except
// DescribeOrganization, which every account of the organization may call
// (delegated administrators are not modelled).
type Service struct {
	org *Organization
}

// NewService returns the Organizations API service for o.
func NewService(o *Organization) *Service { return &Service{org: o} }

var _ wire.Service = (*Service)(nil)

// SigningName implements wire.Service.
func (*Service) SigningName() string { return "organizations" }

// Protocol implements wire.Service.
func (*Service) Protocol() wire.Protocol { return wire.JSON11 }

// TargetPrefix implements wire.Service.
func (*Service) TargetPrefix() string { return "AWSOrganizationsV20161128" }

// XMLNamespace implements wire.Service.
func (*Service) XMLNamespace() string { return "" }

// Operations implements wire.Service.
func (s *Service) Operations() map[string]wire.Operation {
	return map[string]wire.Operation{
		"DescribeOrganization":             wire.Op(s.describeOrganization),
		"DescribeAccount":                  s.managementOnly(wire.Op(s.describeAccount)),
		"ListAccounts":                     s.managementOnly(wire.Op(s.listAccounts)),
		"ListAccountsForParent":            s.managementOnly(wire.Op(s.listAccountsForParent)),
		"ListParents":                      s.managementOnly(wire.Op(s.listParents)),
		"ListChildren":                     s.managementOnly(wire.Op(s.listChildren)),
		"ListRoots":                        s.managementOnly(wire.Op(s.listRoots)),
		"DescribeOrganizationalUnit":       s.managementOnly(wire.Op(s.describeOrganizationalUnit)),
		"ListOrganizationalUnitsForParent": s.managementOnly(wire.Op(s.listOrganizationalUnitsForParent)),
		"ListTagsForResource":              s.managementOnly(wire.Op(s.listTagsForResource)),
		"MoveAccount":                      s.managementOnly(wire.Op(s.moveAccount)),
		"CloseAccount":                     s.managementOnly(wire.Op(s.closeAccount)),
		"RemoveAccountFromOrganization":    s.managementOnly(wire.Op(s.removeAccount)),
	}
}

var (
	parentIDPattern = regexp.MustCompile(`^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)
	childIDPattern  = regexp.MustCompile(`^([0-9]{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)
)

// notInUse answers callers whose account is not in the organization.
func notInUse() *wire.Error {
	return &wire.Error{Code: "AWSOrganizationsNotInUseException", Message: "Your account is not a member of an organization."}
}

// inOrg checks that the caller's account belongs to the organization.
func (s *Service) inOrg(r *wire.Request) error {
	if !s.org.Contains(r.Caller.Account) {
		return notInUse()
	}
	return nil
}

// managementOnly guards operations only the management account may call.
func (s *Service) managementOnly(op wire.Operation) wire.Operation {
	return func(r *wire.Request) (any, error) {
		if err := s.inOrg(r); err != nil {
			return nil, err
		}
		if r.Caller.Account != s.org.ManagementAccount() {
			return nil, &wire.Error{Code: "AccessDeniedException", Message: "You don't have permissions to access this resource."}
		}
		return op(r)
	}
}

// requireID checks a required ID parameter against its pattern.
func requireID(name, value string, pattern *regexp.Regexp) error {
	if value == "" {
		return invalidInput("INPUT_REQUIRED", "You must specify a value for %s.", name)
	}
	if !pattern.MatchString(value) {
		return invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %s %q.", name, value)
	}
	return nil
}

// JSON shapes of the responses. Member names are the model's, which the
// SDK's schema-based deserializer matches exactly.

type organizationJSON struct {
	Arn                  string
	FeatureSet           string
	ID                   string `json:"Id"`
	MasterAccountArn     string
	MasterAccountEmail   string
	MasterAccountID      string `json:"MasterAccountId"`
	AvailablePolicyTypes []policyTypeJSON
}

type policyTypeJSON struct {
	Type   string
	Status string
}

type accountJSON struct {
	Arn             string
	Email           string
	ID              string `json:"Id"`
	JoinedMethod    string
	JoinedTimestamp wire.Timestamp
	Name            string
	Paths           []string
	State           string
	Status          string
}

type ouJSON struct {
	Arn  string
	ID   string `json:"Id"`
	Name string
	Path string
}

type rootJSON struct {
	Arn         string
	ID          string `json:"Id"`
	Name        string
	PolicyTypes []policyTypeJSON
}

type typedIDJSON struct {
	ID   string `json:"Id"`
	Type string
}

type listInput struct {
	MaxResults *int32
	NextToken  string
}

type describeAccountInput struct {
	AccountID string `json:"AccountId"`
}

type parentListInput struct {
	ParentID string `json:"ParentId"`
	listInput
}

type listParentsInput struct {
	ChildID string `json:"ChildId"`
	listInput
}

type listChildrenInput struct {
	ParentID  string `json:"ParentId"`
	ChildType string
	listInput
}

type describeOUInput struct {
	OrganizationalUnitID string `json:"OrganizationalUnitId"`
}

func (s *Service) describeOrganization(r *wire.Request, _ *struct{}) (any, error) {
	if err := s.inOrg(r); err != nil {
		return nil, err
	}
	mgmt, _ := s.org.Account(s.org.ManagementAccount())
	return map[string]any{"Organization": organizationJSON{
		Arn:                  s.org.ARN(s.org.ID()),
		FeatureSet:           "ALL",
		ID:                   s.org.ID(),
		MasterAccountArn:     s.org.ARN(mgmt.ID),
		MasterAccountEmail:   mgmt.Email,
		MasterAccountID:      mgmt.ID,
		AvailablePolicyTypes: []policyTypeJSON{},
	}}, nil
}

func (s *Service) account(a Account) accountJSON {
	return accountJSON{
		Arn: s.org.ARN(a.ID), Email: a.Email, ID: a.ID, JoinedMethod: "CREATED",
		JoinedTimestamp: wire.Timestamp(a.Joined), Name: a.Name, Paths: []string{s.org.Path(a.ID)},
		State: a.Status, Status: a.Status,
	}
}

func (s *Service) ou(u OU) ouJSON {
	return ouJSON{Arn: s.org.ARN(u.ID), ID: u.ID, Name: u.Name, Path: s.org.Path(u.ID)}
}

func (s *Service) describeAccount(r *wire.Request, in *describeAccountInput) (any, error) {
	if err := requireID("AccountId", in.AccountID, accountIDPattern); err != nil {
		return nil, err
	}
	a, ok := s.org.Account(in.AccountID)
	if !ok {
		return nil, &wire.Error{Code: "AccountNotFoundException", Message: "We can't find an AWS account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization."}
	}
	return map[string]any{"Account": s.account(a)}, nil
}

func (s *Service) listAccounts(r *wire.Request, in *listInput) (any, error) {
	items, next, err := page(s.org.accountList(), "ListAccounts", in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return s.accountsPage(items, next), nil
}

// accountsPage answers a page of accounts. The accounts are shared with
// the model (accountList): only read here.
func (s *Service) accountsPage(items []*Account, next *string) any {
	out := struct {
		Accounts  []accountJSON
		NextToken *string `json:",omitempty"`
	}{Accounts: make([]accountJSON, 0, len(items)), NextToken: next}
	for _, a := range items {
		out.Accounts = append(out.Accounts, s.account(*a))
	}
	return out
}

// parentNotFound answers a well-formed ParentId that names nothing.
func parentNotFound() *wire.Error {
	return &wire.Error{Code: "ParentNotFoundException", Message: "We can't find a root or OU with the ParentId that you specified."}
}

// checkParent validates a ParentId parameter and that it exists.
func (s *Service) checkParent(id string) error {
	if err := requireID("ParentId", id, parentIDPattern); err != nil {
		return err
	}
	if !s.org.IsParent(id) {
		return parentNotFound()
	}
	return nil
}

func (s *Service) listAccountsForParent(r *wire.Request, in *parentListInput) (any, error) {
	if err := s.checkParent(in.ParentID); err != nil {
		return nil, err
	}
	items, next, err := page(s.org.childAccountList(in.ParentID), "ListAccountsForParent/"+in.ParentID, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return s.accountsPage(items, next), nil
}

// parentType is the Organizations type of a parent ID.
func (s *Service) parentType(id string) string {
	if id == s.org.Root() {
		return "ROOT"
	}
	return "ORGANIZATIONAL_UNIT"
}

func (s *Service) listParents(r *wire.Request, in *listParentsInput) (any, error) {
	if err := requireID("ChildId", in.ChildID, childIDPattern); err != nil {
		return nil, err
	}
	parent, ok := s.org.Parent(in.ChildID)
	if !ok {
		return nil, &wire.Error{Code: "ChildNotFoundException", Message: "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified."}
	}
	items, next, err := page([]typedIDJSON{{ID: parent, Type: s.parentType(parent)}}, "ListParents/"+in.ChildID, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Parents   []typedIDJSON
		NextToken *string `json:",omitempty"`
	}{items, next}, nil
}

func (s *Service) listChildren(r *wire.Request, in *listChildrenInput) (any, error) {
	if err := s.checkParent(in.ParentID); err != nil {
		return nil, err
	}
	var ids []string
	switch in.ChildType {
	case "ACCOUNT":
		ids = s.org.ChildAccounts(in.ParentID)
	case "ORGANIZATIONAL_UNIT":
		ids = s.org.ChildOUs(in.ParentID)
	case "":
		return nil, invalidInput("INPUT_REQUIRED", "You must specify a value for ChildType (ACCOUNT or ORGANIZATIONAL_UNIT).")
	default:
		return nil, invalidInput("INVALID_ENUM", "You specified an invalid value for ChildType %q: use ACCOUNT or ORGANIZATIONAL_UNIT.", in.ChildType)
	}
	all := make([]typedIDJSON, 0, len(ids))
	for _, id := range ids {
		all = append(all, typedIDJSON{ID: id, Type: in.ChildType})
	}
	items, next, err := page(all, "ListChildren/"+in.ParentID+"/"+in.ChildType, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Children  []typedIDJSON
		NextToken *string `json:",omitempty"`
	}{items, next}, nil
}

func (s *Service) listRoots(r *wire.Request, in *listInput) (any, error) {
	root := rootJSON{Arn: s.org.ARN(s.org.Root()), ID: s.org.Root(), Name: "Root", PolicyTypes: []policyTypeJSON{}}
	items, next, err := page([]rootJSON{root}, "ListRoots", in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Roots     []rootJSON
		NextToken *string `json:",omitempty"`
	}{items, next}, nil
}

func (s *Service) describeOrganizationalUnit(r *wire.Request, in *describeOUInput) (any, error) {
	if err := requireID("OrganizationalUnitId", in.OrganizationalUnitID, ouIDPattern); err != nil {
		return nil, err
	}
	u, ok := s.org.OU(in.OrganizationalUnitID)
	if !ok {
		return nil, &wire.Error{Code: "OrganizationalUnitNotFoundException", Message: "We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified."}
	}
	return map[string]any{"OrganizationalUnit": s.ou(u)}, nil
}

func (s *Service) listOrganizationalUnitsForParent(r *wire.Request, in *parentListInput) (any, error) {
	if err := s.checkParent(in.ParentID); err != nil {
		return nil, err
	}
	var all []ouJSON
	for _, id := range s.org.ChildOUs(in.ParentID) {
		u, _ := s.org.OU(id)
		all = append(all, s.ou(u))
	}
	items, next, err := page(all, "ListOrganizationalUnitsForParent/"+in.ParentID, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []ouJSON{}
	}
	return struct {
		OrganizationalUnits []ouJSON
		NextToken           *string `json:",omitempty"`
	}{items, next}, nil
}
