package localaws

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/landfall/landfall/internal/localaws/authz"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/faults"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localaws/tables"
	"github.com/landfall/landfall/internal/localaws/topics"
)

// World is what the emulator contains when it starts: a world file (YAML)
// with one section per emulated concern.
type World struct {
	// Start is the emulator clock's initial time; accounts without a join
	// time joined then.
	Start time.Time `yaml:"start"`
	// Organization is the AWS organization: OUs, accounts, roles, regions.
	Organization org.Spec `yaml:"organization"`
	// Catalog is Service Catalog, per region.
	Catalog catalog.Spec `yaml:"catalog"`
	// SNS holds the SNS topics.
	SNS topics.Spec `yaml:"sns"`
	// SQS holds the SQS queues.
	SQS queues.Spec `yaml:"sqs"`
	// DynamoDB holds the DynamoDB tables that exist at start (optional).
	DynamoDB tables.Spec `yaml:"dynamodb"`
	// KMS holds the KMS keys encrypted queues and topics use.
	KMS authz.KMSSpec `yaml:"kms"`
	// Faults are the fault rules in force from the start.
	Faults faults.Spec `yaml:"faults"`
}

//go:embed defaultworld.yaml
var defaultWorld []byte

// DefaultWorld returns a fresh copy of the default world (defaultworld.yaml):
// the organization, catalog, topic and queue Landfall's example plan and
// sample events are written against. Callers may modify it, e.g. append
// accounts or fault rules, before calling New. The embedded file is tested,
// so an error here means a broken build.
func DefaultWorld() (*World, error) {
	w, err := ParseWorld(defaultWorld, "defaultworld.yaml")
	if err != nil {
		return nil, fmt.Errorf("embedded default world: %w", err)
	}
	return w, nil
}

// DefaultWorldYAML returns the default world file's text, a starting point
// for custom world files.
func DefaultWorldYAML() []byte {
	return append([]byte(nil), defaultWorld...)
}

// LoadWorld reads and parses a world file.
func LoadWorld(path string) (*World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load world: %w", err)
	}
	return ParseWorld(data, path)
}

// ParseWorld decodes and validates a world file. name labels the errors
// (usually the file path). Every problem is reported at once, each as
// `<name>:<line>: <path>: <problem>`, e.g.
//
//	world.yaml:14: organization.accounts[2].parent: "ou-ab12-nope1234" is not the root or an OU of ous
//
// Unknown keys are errors, listing the keys that are allowed there.
func ParseWorld(data []byte, name string) (*World, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: the world file is empty; start from the default world (localaws.DefaultWorldYAML)", name)
	}
	loc := newLocator()
	var problems []error
	loc.walk(root.Content[0], worldType, "", func(line int, path, msg string) {
		problems = append(problems, fmt.Errorf("%s:%d: %s: %s", name, line, path, msg))
	})
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}

	var w World
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&w); err != nil {
		return nil, loc.locateDecodeError(err, name)
	}
	if err := w.Validate(); err != nil {
		return nil, loc.locate(err, name)
	}
	return &w, nil
}

// Validate checks every section and the references between them (accounts
// named by the catalog, topics, queues and faults must exist in the
// organization). Errors name their full path, e.g.
// `sns.topics[0].account: "999999999999" is not an account of the organization`.
func (w *World) Validate() error {
	var errs []error
	if w.Start.IsZero() {
		errs = append(errs, errors.New("start: is required (the emulator clock's start, RFC 3339, e.g. 2026-01-01T00:00:00Z)"))
	}
	section := func(prefix string, err error) {
		for _, e := range flatten(err) {
			sep := "."
			if strings.HasPrefix(e.Error(), "[") {
				sep = ""
			}
			errs = append(errs, fmt.Errorf("%s%s%w", prefix, sep, e))
		}
	}
	section("organization", w.Organization.Validate())
	section("catalog", w.Catalog.Validate())
	section("sns", w.SNS.Validate())
	section("sqs", w.SQS.Validate())
	section("dynamodb", w.DynamoDB.Validate())
	section("kms", w.KMS.Validate())
	section("faults", w.Faults.Validate())
	errs = append(errs, w.crossCheck()...)
	return errors.Join(errs...)
}

// crossCheck verifies that accounts, OUs and roots the other sections name
// belong to the organization.
func (w *World) crossCheck() []error {
	accounts := map[string]bool{}
	for _, a := range w.Organization.Accounts {
		accounts[a.ID] = true
	}
	parents := map[string]bool{w.Organization.Root: true}
	for _, u := range w.Organization.OUs {
		parents[u.ID] = true
	}
	var errs []error
	notInOrg := func(path, account string) {
		errs = append(errs, fmt.Errorf("%s: %q is not an account of the organization; add it to organization.accounts or use one of its accounts", path, account))
	}
	for i, r := range w.Catalog.Regions {
		for j, p := range r.Products {
			if p.Account != "" && org.IsAccountID(p.Account) && !accounts[p.Account] {
				notInOrg(fmt.Sprintf("catalog.regions[%d].products[%d].account", i, j), p.Account)
			}
		}
		for j, p := range r.Portfolios {
			path := fmt.Sprintf("catalog.regions[%d].portfolios[%d]", i, j)
			if p.Owner != "" && org.IsAccountID(p.Owner) && !accounts[p.Owner] {
				notInOrg(path+".owner", p.Owner)
			}
			for k, s := range p.Shares {
				sp := fmt.Sprintf("%s.shares[%d]", path, k)
				switch {
				case org.IsAccountID(s):
					if !accounts[s] {
						notInOrg(sp, s)
					}
				case strings.HasPrefix(s, "ou-") || strings.HasPrefix(s, "r-"):
					if !parents[s] {
						errs = append(errs, fmt.Errorf("%s: %q is not the root or an OU of organization.ous", sp, s))
					}
				}
			}
		}
	}
	for i, t := range w.SNS.Topics {
		if org.IsAccountID(t.Account) && !accounts[t.Account] {
			notInOrg(fmt.Sprintf("sns.topics[%d].account", i), t.Account)
		}
	}
	for i, q := range w.SQS.Queues {
		if org.IsAccountID(q.Account) && !accounts[q.Account] {
			notInOrg(fmt.Sprintf("sqs.queues[%d].account", i), q.Account)
		}
	}
	for i, t := range w.DynamoDB.Tables {
		if org.IsAccountID(t.Account) && !accounts[t.Account] {
			notInOrg(fmt.Sprintf("dynamodb.tables[%d].account", i), t.Account)
		}
	}
	errs = append(errs, w.crossCheckKMS(accounts)...)
	for i, r := range w.Faults {
		if r.Account != "" && org.IsAccountID(r.Account) && !accounts[r.Account] {
			notInOrg(fmt.Sprintf("faults[%d].account", i), r.Account)
		}
	}
	return errs
}

// crossCheckKMS verifies that keys belong to the organization's accounts and
// that encrypted queues, topics and tables name a declared key or their
// service's AWS managed key.
func (w *World) crossCheckKMS(accounts map[string]bool) []error {
	var errs []error
	for i, k := range w.KMS.Keys {
		if org.IsAccountID(k.Account) && !accounts[k.Account] {
			errs = append(errs, fmt.Errorf("kms.keys[%d].account: %q is not an account of the organization; add it to organization.accounts or use one of its accounts", i, k.Account))
		}
	}
	keys, err := authz.NewKeys(w.KMS)
	if err != nil {
		return errs // reported by the kms section
	}
	unknown := func(path, ref, service string) {
		errs = append(errs, fmt.Errorf("%s: %q names no key of kms.keys; declare the key there (id, account, region, policy) or use alias/aws/%s", path, ref, service))
	}
	for i, q := range w.SQS.Queues {
		if q.KMSMasterKeyID != "" && !keys.Resolves(q.KMSMasterKeyID, "sqs", q.Account, q.Region) {
			unknown(fmt.Sprintf("sqs.queues[%d].kmsMasterKeyId", i), q.KMSMasterKeyID, "sqs")
		}
	}
	for i, t := range w.SNS.Topics {
		if t.KMSMasterKeyID != "" && !keys.Resolves(t.KMSMasterKeyID, "sns", t.Account, t.Region) {
			unknown(fmt.Sprintf("sns.topics[%d].kmsMasterKeyId", i), t.KMSMasterKeyID, "sns")
		}
	}
	for i, t := range w.DynamoDB.Tables {
		if t.KMSMasterKeyID != "" && !keys.Resolves(t.KMSMasterKeyID, "dynamodb", t.Account, t.Region) {
			unknown(fmt.Sprintf("dynamodb.tables[%d].kmsMasterKeyId", i), t.KMSMasterKeyID, "dynamodb")
		}
	}
	return errs
}

// flatten returns the leaves of a tree of joined errors.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
