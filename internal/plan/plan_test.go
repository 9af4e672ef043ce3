package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update after checking the change)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func mustExample(t testing.TB) *Plan {
	t.Helper()
	pl, err := ExamplePlan()
	if err != nil {
		t.Fatalf("example plan: %v", err)
	}
	return pl
}

func mustParse(t testing.TB, yaml string) *Plan {
	t.Helper()
	pl, err := Parse([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return pl
}

// The default world's organization (internal/localaws/defaultworld.yaml),
// hard-coded so this package's tests do not depend on the emulator.
var (
	ouRoot      = OU{ID: "r-ab12", Name: "Root"}
	ouCustom    = OU{ID: "ou-ab12-l3zc8b3h", Name: "Custom"}
	ouSecurity  = OU{ID: "ou-ab12-s3cur1ty", Name: "Security"}
	ouWorkloads = OU{ID: "ou-ab12-w0rkl0ad", Name: "Workloads"}
	ouProd      = OU{ID: "ou-ab12-pr0dw0rk", Name: "Prod"}
	ouSandbox   = OU{ID: "ou-ab12-s4ndb0x1", Name: "Sandbox"}

	management   = Account{ID: "111111111111", Name: "Management", Email: "management@example.com", OU: ouRoot, Management: true}
	lifeCycle1   = Account{ID: "222222222222", Name: "LifeCycle1", Email: "lifecycle1@example.com", OU: ouCustom, Ancestors: []OU{ouCustom}}
	lifeCycle3   = Account{ID: "624281831893", Name: "LifeCycle3", Email: "lifecycle3@example.com", OU: ouCustom, Ancestors: []OU{ouCustom}}
	lifeCycle2   = Account{ID: "333333333333", Name: "LifeCycle2", Email: "lifecycle2@example.com", OU: ouCustom, Ancestors: []OU{ouCustom}}
	logArchive   = Account{ID: "444444444444", Name: "Log Archive", Email: "log-archive@example.com", OU: ouSecurity, Ancestors: []OU{ouSecurity}}
	audit        = Account{ID: "555555555555", Name: "Audit", Email: "audit@example.com", OU: ouSecurity, Ancestors: []OU{ouSecurity}}
	paymentsProd = Account{ID: "666666666666", Name: "payments-prod", Email: "payments-prod@example.com", OU: ouProd, Ancestors: []OU{ouProd, ouWorkloads}}
	devSandbox   = Account{ID: "777777777777", Name: "dev-sandbox", Email: "dev-sandbox@example.com", OU: ouSandbox, Ancestors: []OU{ouSandbox, ouWorkloads}}

	defaultWorld = []Account{management, lifeCycle1, lifeCycle3, lifeCycle2, logArchive, audit, paymentsProd, devSandbox}
)

func TestExampleParses(t *testing.T) {
	pl := mustExample(t)
	if pl.ExecutionRoleName != "AWSControlTowerExecution" || pl.MaxRunAge != 2*time.Hour || pl.ProvisionedProductPrefix != "landfall-" {
		t.Errorf("settings = %q %v %q", pl.ExecutionRoleName, pl.MaxRunAge, pl.ProvisionedProductPrefix)
	}
	if want := []string{"us-east-1", "us-west-2", "us-west-1"}; !slices.Equal(pl.Regions, want) {
		t.Errorf("regions = %v, want %v", pl.Regions, want)
	}
	if want := []string{"baseline-vpc", "security-audit"}; !slices.Equal(pl.Keys(), want) {
		t.Errorf("keys = %v, want %v", pl.Keys(), want)
	}
	audit, _ := pl.Product("security-audit")
	if !slices.Equal(audit.DependsOn, []string{"baseline-vpc"}) || audit.VersionKind() != VersionLatest || audit.ProductIsID() {
		t.Errorf("security-audit = %+v", audit)
	}
	if got := pl.Portfolios["us-west-1"]; got != "port-uw1baseline0" {
		t.Errorf("us-west-1 portfolio = %q", got)
	}
	if len(pl.Hash) != 64 {
		t.Errorf("hash = %q, want hex sha256", pl.Hash)
	}
	if string(Example()) != string(exampleYAML) {
		t.Error("Example() does not return the embedded file")
	}
}

// The example must work against the default world's catalog: every rendered
// parameter must satisfy the constraints of the product's template there.
func TestExampleRendersForDefaultWorld(t *testing.T) {
	pl := mustExample(t)
	constraints := map[string]map[string]*regexp.Regexp{
		"baseline-vpc": {
			"VpcCidr":     regexp.MustCompile(`^10\.[0-9]{1,3}\.0\.0/16$`),
			"Environment": regexp.MustCompile(`^(dev|staging|prod)$`),
			"AccountName": regexp.MustCompile(`.`),
		},
		"security-audit": {
			"AuditAccountId": regexp.MustCompile(`^[0-9]{12}$`),
			"RetentionDays":  regexp.MustCompile(`^(90|365|730)$`),
		},
	}
	provisioned := map[string]bool{}
	for _, a := range defaultWorld {
		targets, _, err := pl.Placements(a, Filter{})
		if err != nil {
			t.Fatalf("targets for %s: %v", a.ID, err)
		}
		for _, tg := range targets {
			params, tags, err := pl.Render(tg, a)
			if err != nil {
				t.Errorf("render %s for %s: %v", tg.Key(), a.ID, err)
				continue
			}
			want := constraints[tg.Product.Product]
			for name, re := range want {
				if !re.MatchString(params[name]) {
					t.Errorf("%s %s: %s = %q does not match %s", a.ID, tg.Key(), name, params[name], re)
				}
			}
			for name := range params {
				if want[name] == nil {
					t.Errorf("%s %s: parameter %s is not declared by the product", a.ID, tg.Key(), name)
				}
			}
			if tags["managed-by"] != "landfall" {
				t.Errorf("%s %s: tags = %v", a.ID, tg.Key(), tags)
			}
			provisioned[a.ID] = true
		}
	}
	// Every template must also render for accounts the plan leaves out: a
	// change of include/exclude must not turn into a render failure.
	for _, a := range defaultWorld {
		for _, p := range pl.Products {
			for _, r := range p.Regions {
				if _, _, err := pl.Render(Placement{Region: r, Product: p}, a); err != nil {
					t.Errorf("render %s/%s for %s: %v", r, p.Key, a.ID, err)
				}
			}
		}
	}
	for _, a := range []Account{management, logArchive, audit} {
		if provisioned[a.ID] {
			t.Errorf("%s (%s) should get nothing", a.ID, a.Name)
		}
	}
	for _, a := range []Account{lifeCycle1, lifeCycle2, lifeCycle3, paymentsProd, devSandbox} {
		if !provisioned[a.ID] {
			t.Errorf("%s (%s) should be provisioned", a.ID, a.Name)
		}
	}
}

func TestInvalidPlans(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			pl, err := Parse(data, name)
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Parse = %v, %v; want a *ValidationError", pl, err)
			}
			if pl != nil {
				t.Error("Parse returned a plan along with the error")
			}
			if verr.Source != name || len(verr.Problems) == 0 {
				t.Errorf("error = %+v", verr)
			}
			golden(t, filepath.Join("invalid", strings.TrimSuffix(name, ".yaml")+".golden"), err.Error()+"\n")
		})
	}
}

func TestValidPlans(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, pl *Plan)
	}{
		{"minimal.yaml", func(t *testing.T, pl *Plan) {
			p := pl.Products[0]
			if pl.ExecutionRoleName != DefaultExecutionRoleName || pl.MaxRunAge != DefaultMaxRunAge ||
				pl.ProvisionedProductPrefix != DefaultProvisionedProductPrefix || pl.UpdatePolicy != UpdateLeave || pl.IncludeManagementAccount {
				t.Errorf("defaults not applied: %+v", pl)
			}
			if p.Version != "latest" || p.UpdatePolicy != UpdateLeave || !slices.Equal(p.Regions, pl.Regions) {
				t.Errorf("product defaults not applied: %+v", p)
			}
			if !pl.Include.IsZero() || !pl.Exclude.IsZero() || !p.Include.IsZero() {
				t.Errorf("selectors should be empty: %+v %+v", pl.Include, pl.Exclude)
			}
		}},
		{"anchors.yaml", func(t *testing.T, pl *Plan) {
			a, _ := pl.Product("a")
			b, _ := pl.Product("b")
			if a.Parameters["Shared"] != "one" || b.Parameters["Shared"] != "two" || b.Parameters["Own"] != "x" {
				t.Errorf("merge keys: a=%v b=%v", a.Parameters, b.Parameters)
			}
			if !slices.Equal(b.Regions, []string{"us-east-1", "us-west-2"}) {
				t.Errorf("b regions = %v, want plan order", b.Regions)
			}
			if b.Portfolios["us-west-2"] != "port-uw2other000" || b.Portfolios["us-east-1"] != "port-ue1baseline0" {
				t.Errorf("b portfolios = %v", b.Portfolios)
			}
		}},
		{"regional-ids.yaml", func(t *testing.T, pl *Plan) {
			p := pl.Products[0]
			if !p.ProductIsID() || p.VersionKind() != VersionArtifactID {
				t.Errorf("product %q kind %v", p.Product, p.VersionKind())
			}
			if pl.ProvisionedProductPrefix != "" || pl.ProvisionedProductName(p) != "by-id" {
				t.Errorf("empty prefix: name = %q", pl.ProvisionedProductName(p))
			}
			if pl.MaxRunAge != 90*time.Minute || pl.ExecutionRoleName != "OrganizationAccountAccessRole" || !pl.IncludeManagementAccount {
				t.Errorf("settings = %+v", pl)
			}
			if pl.Products[1].VersionKind() != VersionName || pl.Products[1].UpdatePolicy != UpdateApply {
				t.Errorf("second product = %+v", pl.Products[1])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			pl, err := Load(filepath.Join("testdata", "valid", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, pl)
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "read plan: ") {
		t.Errorf("Load = %v", err)
	}
}

func TestTooLarge(t *testing.T) {
	_, err := Parse(make([]byte, maxPlanBytes+1), "big.yaml")
	if err == nil || !strings.Contains(err.Error(), "the limit is") {
		t.Errorf("Parse = %v", err)
	}
}

func TestHashIsOfBytes(t *testing.T) {
	src := "regions: [us-east-1]\nportfolios: {us-east-1: port-a1}\nproducts: [{key: a, product: a}]\n"
	a := mustParse(t, src)
	b := mustParse(t, "# same plan, other bytes\n"+src)
	if a.Hash == b.Hash {
		t.Error("different files, same hash")
	}
	sum := sha256.Sum256([]byte(src))
	if want := hex.EncodeToString(sum[:]); a.Hash != want {
		t.Errorf("hash = %s, want %s", a.Hash, want)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Path: "products[1].regions[2]", Message: `"us-west-9" is not a region`, Line: 14}, `products[1].regions[2]: "us-west-9" is not a region (line 14)`},
		{Problem{Path: "regions", Message: "missing"}, "regions: missing"},
		{Problem{Message: "the plan is empty"}, "the plan is empty"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
	e := &ValidationError{Source: "x.yaml", Problems: []Problem{{Path: "a", Message: "b"}}}
	if got := e.Error(); got != "plan x.yaml: 1 problem:\n  a: b" {
		t.Errorf("Error() = %q", got)
	}
}
