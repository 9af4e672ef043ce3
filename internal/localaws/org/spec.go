package org

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/landfall/landfall/internal/region"
)

// Default roles of member accounts: Control Tower creates
// AWSControlTowerExecution, Organizations creates OrganizationAccountAccessRole.
const (
	ControlTowerExecutionRole = "AWSControlTowerExecution"
	OrganizationAccessRole    = "OrganizationAccountAccessRole"
)

// Account statuses.
const (
	StatusActive    = "ACTIVE"
	StatusSuspended = "SUSPENDED"
)

// Spec is the organization section of a world file: a flat list of OUs and
// accounts, each naming its parent (the root ID or an OU ID).
type Spec struct {
	// ID is the organization ID, o-[a-z0-9]{10,32}.
	ID string `yaml:"id"`
	// Root is the root ID, r-[0-9a-z]{4,32}.
	Root string `yaml:"root"`
	// ManagementAccount is the management account's ID; it must also be listed
	// in Accounts.
	ManagementAccount string `yaml:"managementAccount"`
	// HomeRegion is the Control Tower home region.
	HomeRegion string `yaml:"homeRegion"`
	// GovernedRegions are the regions Control Tower governs; empty means just
	// the home region. Must include the home region.
	GovernedRegions []string `yaml:"governedRegions"`
	// OUs are the organizational units, in any order.
	OUs []OUSpec `yaml:"ous"`
	// Accounts are the accounts, including the management account.
	Accounts []AccountSpec `yaml:"accounts"`
	// TrustedAccess lists the service principals the organization has
	// enabled trusted access for, e.g. account.amazonaws.com, which lets
	// the management account manage member accounts' regions through the
	// Account Management API (see trusted.go, regions.go). It can change
	// at run time (SetTrustedAccess).
	TrustedAccess []string `yaml:"trustedAccess"`
	// RegionEnablementDelay is how long a region stays ENABLING after
	// EnableRegion, and DISABLING after DisableRegion, on the emulator
	// clock; zero means DefaultRegionEnablementDelay (5m).
	RegionEnablementDelay time.Duration `yaml:"regionEnablementDelay"`
}

// OUSpec is one organizational unit.
type OUSpec struct {
	// ID is ou-<root part>-<8 to 32 characters>.
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Parent is the root ID or another OU's ID.
	Parent string `yaml:"parent"`
	// Tags are the OU's Organizations tags (ListTagsForResource; tags.go).
	Tags map[string]string `yaml:"tags"`
}

// AccountSpec is one account of the organization.
type AccountSpec struct {
	// ID is the 12-digit account ID.
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Email defaults to aws+<id>@example.com.
	Email string `yaml:"email"`
	// Parent is the root ID or an OU ID.
	Parent string `yaml:"parent"`
	// Status is ACTIVE (default), SUSPENDED or PENDING_CLOSURE.
	Status string `yaml:"status"`
	// Tags are the account's Organizations tags, as ListTagsForResource
	// returns them (tags.go): at most 50, keys and values as AWS allows.
	Tags map[string]string `yaml:"tags"`
	// Joined is when the account joined the organization; zero means the
	// world's start time. Fault windows such as new-account role propagation
	// are measured from it.
	Joined time.Time `yaml:"joined"`
	// Roles are the IAM roles that exist in the account. Nil means the
	// defaults: AWSControlTowerExecution and OrganizationAccountAccessRole for
	// member accounts, none for the management account. An explicit empty
	// list means no roles. Each named role trusts the management account
	// (arn:aws:iam::<management>:root) and carries AdministratorAccess, as
	// Control Tower's and Organizations' roles do.
	Roles []string `yaml:"roles"`
	// IAMRoles are roles with their own trust and identity policies, e.g.
	// Landfall's function roles. One named like a role of Roles (or a
	// default role) replaces it.
	IAMRoles []RoleSpec `yaml:"iamRoles"`
	// DisabledRegions are regions disabled for this account when the world
	// starts: STS answers RegionDisabledException there, and the Account
	// Management API reports them DISABLED until EnableRegion enables them.
	// AWS only lets opt-in regions be disabled; the emulator accepts any
	// known region so tests can simulate the failure in whichever region
	// they use. Opt-in regions not listed start ENABLED (see regions.go).
	DisabledRegions []string `yaml:"disabledRegions"`
}

var (
	orgIDPattern     = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	rootIDPattern    = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
	ouIDPattern      = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	roleNamePattern  = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

// IsAccountID reports whether s is a 12-digit account ID.
func IsAccountID(s string) bool { return accountIDPattern.MatchString(s) }

// Validate checks the spec and returns every problem at once (errors.Join),
// each naming its path relative to the section, e.g.
// `accounts[3].parent: "ou-ab12-nope1234" is not the root or an OU of ous`.
func (s Spec) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}

	switch {
	case s.ID == "":
		add("id", "is required (the organization ID, e.g. o-ab12cd34ef)")
	case !orgIDPattern.MatchString(s.ID):
		add("id", "%q is not an organization ID: want o- followed by 10 to 32 lowercase letters or digits", s.ID)
	}
	switch {
	case s.Root == "":
		add("root", "is required (the root ID, e.g. r-ab12)")
	case !rootIDPattern.MatchString(s.Root):
		add("root", "%q is not a root ID: want r- followed by 4 to 32 lowercase letters or digits", s.Root)
	}
	switch {
	case s.HomeRegion == "":
		add("homeRegion", "is required (the Control Tower home region, e.g. us-east-1)")
	case !region.Known(s.HomeRegion):
		add("homeRegion", "%q is not an AWS region", s.HomeRegion)
	}
	seenRegion := map[string]bool{}
	for i, r := range s.GovernedRegions {
		path := fmt.Sprintf("governedRegions[%d]", i)
		switch {
		case !region.Known(r):
			add(path, "%q is not an AWS region", r)
		case seenRegion[r]:
			add(path, "%q is listed twice", r)
		}
		seenRegion[r] = true
	}
	if len(s.GovernedRegions) > 0 && s.HomeRegion != "" && !seenRegion[s.HomeRegion] {
		add("governedRegions", "must include the home region %q: Control Tower always governs it", s.HomeRegion)
	}

	// IDs first, so parents can be checked regardless of order.
	ids := map[string]string{} // ID -> path of its first definition
	if s.Root != "" {
		ids[s.Root] = "root"
	}
	ouParent := map[string]string{}
	ouIDs := map[string]bool{}
	for i, ou := range s.OUs {
		path := fmt.Sprintf("ous[%d]", i)
		switch {
		case ou.ID == "":
			add(path+".id", "is required (e.g. ou-ab12-l3zc8b3h)")
		case !ouIDPattern.MatchString(ou.ID):
			add(path+".id", "%q is not an OU ID: want ou-<4 to 32 lowercase letters or digits>-<8 to 32 lowercase letters or digits>", ou.ID)
		case ids[ou.ID] != "":
			add(path+".id", "%q is already used by %s", ou.ID, ids[ou.ID])
		default:
			ids[ou.ID] = path
			ouParent[ou.ID] = ou.Parent
			ouIDs[ou.ID] = true
		}
		if ou.Name == "" {
			add(path+".name", "is required")
		} else if len(ou.Name) > 128 {
			add(path+".name", "is %d characters long; the maximum is 128", len(ou.Name))
		}
		validateTags(path+".tags", ou.Tags, add)
	}
	accountIDs := map[string]bool{}
	for i, a := range s.Accounts {
		path := fmt.Sprintf("accounts[%d]", i)
		switch {
		case a.ID == "":
			add(path+".id", "is required (a 12-digit account ID)")
		case !accountIDPattern.MatchString(a.ID):
			add(path+".id", "%q is not an account ID: want exactly 12 digits (quote it in YAML so leading zeros survive)", a.ID)
		case ids[a.ID] != "":
			add(path+".id", "%q is already used by %s", a.ID, ids[a.ID])
		default:
			ids[a.ID] = path
			accountIDs[a.ID] = true
		}
	}
	isParent := func(id string) bool { return id != "" && (id == s.Root || ouIDs[id]) }

	ouNames := map[[2]string]string{}
	for i, ou := range s.OUs {
		path := fmt.Sprintf("ous[%d]", i)
		switch {
		case ou.Parent == "":
			add(path+".parent", "is required (the root ID %q or an OU ID)", s.Root)
		case !isParent(ou.Parent):
			add(path+".parent", "%q is not the root or an OU of ous", ou.Parent)
		case ou.Parent == ou.ID:
			add(path+".parent", "an OU cannot be its own parent")
		}
		key := [2]string{ou.Parent, ou.Name}
		if prev, dup := ouNames[key]; dup && ou.Name != "" {
			add(path+".name", "%q is already the name of %s under the same parent; OU names must be unique per parent", ou.Name, prev)
		} else {
			ouNames[key] = path
		}
	}
	// Cycles: walking up from any OU must reach the root.
	for i, ou := range s.OUs {
		seen := map[string]bool{ou.ID: true}
		for p := ouParent[ou.ID]; p != "" && p != s.Root; p = ouParent[p] {
			if seen[p] {
				add(fmt.Sprintf("ous[%d].parent", i), "OU %q is part of a parent cycle; every OU must lead up to the root %q", ou.ID, s.Root)
				break
			}
			seen[p] = true
		}
	}

	for i, a := range s.Accounts {
		path := fmt.Sprintf("accounts[%d]", i)
		if a.Name == "" {
			add(path+".name", "is required")
		} else if len(a.Name) > 50 {
			add(path+".name", "is %d characters long; the maximum is 50", len(a.Name))
		}
		switch {
		case a.Parent == "":
			add(path+".parent", "is required (the root ID %q or an OU ID)", s.Root)
		case !isParent(a.Parent):
			add(path+".parent", "%q is not the root or an OU of ous", a.Parent)
		}
		if a.Status != "" && a.Status != StatusActive && a.Status != StatusSuspended && a.Status != StatusPendingClosure {
			add(path+".status", "%q is not ACTIVE, SUSPENDED or PENDING_CLOSURE", a.Status)
		}
		roles := map[string]bool{}
		for j, r := range a.Roles {
			rp := fmt.Sprintf("%s.roles[%d]", path, j)
			switch {
			case !roleNamePattern.MatchString(r):
				add(rp, "%q is not an IAM role name (1 to 64 of letters, digits and +=,.@_-)", r)
			case roles[r]:
				add(rp, "%q is listed twice", r)
			}
			roles[r] = true
		}
		validateRoles(path, a.IAMRoles, add)
		validateTags(path+".tags", a.Tags, add)
		disabled := map[string]bool{}
		for j, r := range a.DisabledRegions {
			rp := fmt.Sprintf("%s.disabledRegions[%d]", path, j)
			switch {
			case !region.Known(r):
				add(rp, "%q is not an AWS region", r)
			case disabled[r]:
				add(rp, "%q is listed twice", r)
			}
			disabled[r] = true
		}
	}

	validateTrustedAccess(s, add)
	validateRegionSettings(s, add)

	switch {
	case s.ManagementAccount == "":
		add("managementAccount", "is required (the 12-digit ID of the management account)")
	case !accountIDPattern.MatchString(s.ManagementAccount):
		add("managementAccount", "%q is not an account ID: want exactly 12 digits", s.ManagementAccount)
	case !accountIDs[s.ManagementAccount]:
		add("managementAccount", "%q is not listed in accounts; add it there (usually with parent %q)", s.ManagementAccount, s.Root)
	}
	return errors.Join(errs...)
}
