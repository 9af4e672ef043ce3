package plan

import (
	"bytes"
	_ "embed" // example.yaml is embedded so every binary carries the reference plan
	"fmt"
	"os"
	"slices"
	"text/template/parse"
	"time"
)

// Defaults applied when the plan leaves a setting out.
const (
	DefaultExecutionRoleName        = "AWSControlTowerExecution"
	DefaultMaxRunAge                = 2 * time.Hour
	DefaultProvisionedProductPrefix = "landfall-"

	// MinMaxRunAge and MaxMaxRunAge bound maxRunAge: shorter than a product
	// takes to provision would fail every run; longer than a day hides stuck runs.
	MinMaxRunAge = 10 * time.Minute
	MaxMaxRunAge = 24 * time.Hour

	// maxPlanBytes keeps a mistaken upload (a log file, a binary) from being
	// parsed at Lambda cold start.
	maxPlanBytes = 1 << 20
)

// UpdatePolicy says what to do when a product is already provisioned in an
// account but differs from the plan (another version or other parameters).
type UpdatePolicy string

const (
	// UpdateLeave leaves an existing provisioned product alone (the default):
	// re-running an account never changes what is already there.
	UpdateLeave UpdatePolicy = "leave"
	// UpdateApply updates an existing provisioned product to the planned
	// version and parameters.
	UpdateApply UpdatePolicy = "update"
)

// VersionKind says how a product's version is given.
type VersionKind int

const (
	// VersionLatest is the newest active, non-deprecated artifact when the run starts.
	VersionLatest VersionKind = iota + 1
	// VersionName is the artifact with this name (for example v1.1).
	VersionName
	// VersionArtifactID is the artifact with this ID (pa-…), which is region-specific.
	VersionArtifactID
)

// String returns latest, name or artifact-id.
func (k VersionKind) String() string {
	switch k {
	case VersionLatest:
		return "latest"
	case VersionName:
		return "name"
	case VersionArtifactID:
		return "artifact-id"
	}
	return fmt.Sprintf("VersionKind(%d)", int(k))
}

// Plan is a validated plan. Build one with Parse, Load or ExamplePlan.
type Plan struct {
	// Source names where the plan came from (a file path), for messages.
	Source string
	// Hash is the hex SHA-256 of the plan file's bytes, so that every run can
	// record exactly which plan it used.
	Hash string

	ExecutionRoleName        string
	MaxRunAge                time.Duration
	ProvisionedProductPrefix string
	// IncludeManagementAccount allows provisioning into the organization's
	// management account, which is left alone by default.
	IncludeManagementAccount bool
	// Regions are the regions Landfall works in, in plan order. Every product
	// region is one of them. With `regions: enabled` they are the candidates:
	// each account gets those of them enabled for it (RegionSelection).
	Regions []string
	// RegionSelection says whether Regions are chosen per account at run
	// time (regions.go).
	RegionSelection RegionSelection
	// EnableOptInRegions lets the worker enable a planned opt-in region that
	// an account has not enabled, and wait for it, instead of reporting it.
	EnableOptInRegions bool
	// Portfolios are the default portfolio IDs per region for all products.
	Portfolios map[string]string
	// Values are plan-level template values (.Values.name).
	Values map[string]string
	// Tags are the plan-level tags (values are templates), applied to every
	// provisioned product; product tags override them key by key.
	Tags map[string]string
	// Include and Exclude select the accounts that get anything at all.
	Include, Exclude Selector
	// UpdatePolicy is the default for products that do not set their own.
	UpdatePolicy UpdatePolicy
	// Retire is what runs do with retirement candidates (retire.go): the
	// default for products that do not set their own, and the policy for
	// products that left the plan.
	Retire RetirePolicy
	// Notifications says which runs send a summary.
	Notifications Notifications
	// Products in file order.
	Products []*Product

	tags  []*compiled
	byKey map[string]*Product
}

// Product is one Service Catalog product the plan provisions.
type Product struct {
	// Key identifies the product in the plan, in run records and in the
	// provisioned product name.
	Key string
	// Product is the Service Catalog product name, or its ID (prod-…).
	Product string
	// Portfolios maps each of the product's regions to the portfolio that
	// shares it (the plan's portfolios, overridden by the product's own).
	Portfolios map[string]string
	// Version is latest, an artifact name or an artifact ID (pa-…).
	Version string
	// Regions the product is provisioned in, in plan order.
	Regions []string
	// Parameters are the provisioning parameters; values are templates.
	Parameters map[string]string
	// Tags are the product's own tags; values are templates.
	Tags map[string]string
	// DependsOn lists keys of products that must be provisioned first, in the
	// same account and region.
	DependsOn []string
	// UpdatePolicy is resolved: the product's own, else the plan's.
	UpdatePolicy UpdatePolicy
	// Retire is resolved: the product's own, else the plan's. It applies
	// where the product is no longer placed (account or region left its
	// selection).
	Retire RetirePolicy
	// ExpectedDuration is how long provisioning the product usually takes;
	// zero when the plan does not say. Runs read its record just after it.
	ExpectedDuration time.Duration
	// Include and Exclude narrow the accounts that get this product, within
	// those the plan selects.
	Include, Exclude Selector

	index int
	// retireSet says the product sets its own retire, for messages that
	// point at the setting that applies.
	retireSet bool
	params    []*compiled
	tags      []*compiled
}

// compiled is one templated parameter or tag value, parsed; the evaluator
// in render.go runs it.
type compiled struct {
	key  string
	path string // products[0].parameters.VpcCidr, for render errors
	t    *parse.Tree
}

// ProductIsID reports whether Product is a product ID (prod-…) rather than a name.
func (p *Product) ProductIsID() bool {
	return isProductID(p.Product)
}

// VersionKind says whether Version is latest, a name or an artifact ID.
func (p *Product) VersionKind() VersionKind {
	return versionKind(p.Version)
}

// Path is the product's location in the plan (products[1]), for messages.
func (p *Product) Path() string {
	return index("products", p.index)
}

// ProvisionedProductName is the name p is provisioned under in every account
// and region: the plan's prefix followed by the key.
func (pl *Plan) ProvisionedProductName(p *Product) string {
	return pl.ProvisionedProductPrefix + p.Key
}

// Product returns the product with this key.
func (pl *Plan) Product(key string) (*Product, bool) {
	p, ok := pl.byKey[key]
	return p, ok
}

// Keys returns the product keys in file order.
func (pl *Plan) Keys() []string {
	keys := make([]string, len(pl.Products))
	for i, p := range pl.Products {
		keys[i] = p.Key
	}
	return keys
}

// HasRegion reports whether r is one of the plan's regions.
func (pl *Plan) HasRegion(r string) bool {
	return slices.Contains(pl.Regions, r)
}

//go:embed example.yaml
var exampleYAML []byte

// Example returns the annotated example plan (example.yaml), which works
// against the local AWS default world.
func Example() []byte {
	return bytes.Clone(exampleYAML)
}

// ExamplePlan parses the example plan.
func ExamplePlan() (*Plan, error) {
	return Parse(exampleYAML, "example.yaml")
}

// Load reads and parses the plan file at path.
func Load(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return Parse(data, path)
}

// Label names the plan in reports and notifications: its source and the
// first 12 hex digits of its hash, so two reports can be told apart by the
// plan they used.
func (pl *Plan) Label() string {
	h := pl.Hash
	if h == "" {
		return pl.Source
	}
	if len(h) > 12 {
		h = h[:12]
	}
	return pl.Source + " (sha256 " + h + ")"
}
