package status

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/plan"
)

const (
	mgmt  = "111111111111"
	acct1 = "222222222222"
	acct2 = "333333333333"
)

var (
	custom   = plan.OU{ID: "ou-ab12-l3zc8b3h", Name: "Custom"}
	security = plan.OU{ID: "ou-ab12-s3cur1ty", Name: "Security"}
)

func account(id, name string, ou plan.OU) plan.Account {
	return plan.Account{ID: id, Name: name, OU: ou, Ancestors: []plan.OU{ou}}
}

// fakeDirectory answers Select with fixed accounts and records the selection.
type fakeDirectory struct {
	accounts []plan.Account
	excluded []directory.Excluded
	err      error

	mu  sync.Mutex
	got []directory.Selection
}

func (d *fakeDirectory) Select(_ context.Context, sel directory.Selection) ([]plan.Account, []directory.Excluded, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.got = append(d.got, sel)
	if d.err != nil {
		return nil, nil, d.err
	}
	var out []plan.Account
	for _, a := range d.accounts {
		if a.ID == sel.ManagementAccount && !sel.IncludeManagement {
			continue
		}
		out = append(out, a)
	}
	return out, d.excluded, nil
}

// product is what the fake catalog holds for one account, region and provisioned product name.
type product struct {
	status   sctypes.ProvisionedProductStatus
	artifact string // artifact ID
	message  string
	tags     map[string]string
}

// fakeCatalog is one account's Service Catalog in one region. Status's
// Catalog has only read calls, which proves the report changes nothing.
type fakeCatalog struct {
	region      string
	products    map[string]product // by provisioned product name
	describeErr error              // DescribeProvisionedProduct fails with it
	productErr  error              // DescribeProduct fails with it
	calls       *callCounter
}

type callCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *callCounter) add(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[key]++
}

func (c *callCounter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

func (c *fakeCatalog) DescribeProvisionedProduct(_ context.Context, in *servicecatalog.DescribeProvisionedProductInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProvisionedProductOutput, error) {
	c.calls.add("DescribeProvisionedProduct/" + c.region)
	if c.describeErr != nil {
		return nil, c.describeErr
	}
	p, ok := c.products[aws.ToString(in.Name)]
	if !ok {
		return nil, apiErr("ResourceNotFoundException", "Provisioned product not found")
	}
	return &servicecatalog.DescribeProvisionedProductOutput{ProvisionedProductDetail: &sctypes.ProvisionedProductDetail{
		Id: aws.String("pp-" + aws.ToString(in.Name)), Name: in.Name, Status: p.status,
		ProvisioningArtifactId: aws.String(p.artifact), StatusMessage: aws.String(p.message),
	}}, nil
}

func (c *fakeCatalog) DescribeProduct(_ context.Context, in *servicecatalog.DescribeProductInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProductOutput, error) {
	c.calls.add("DescribeProduct/" + c.region)
	if c.productErr != nil {
		return nil, c.productErr
	}
	arts, ok := artifacts[strings.TrimPrefix(aws.ToString(in.Id), "prod-")]
	if !ok {
		return nil, apiErr("ResourceNotFoundException", "Product not found")
	}
	return &servicecatalog.DescribeProductOutput{ProvisioningArtifacts: arts}, nil
}

// SearchProvisionedProducts lists every product the catalog holds, by name
// (one page), as retirement candidates are looked for.
func (c *fakeCatalog) SearchProvisionedProducts(_ context.Context, in *servicecatalog.SearchProvisionedProductsInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.SearchProvisionedProductsOutput, error) {
	c.calls.add("SearchProvisionedProducts/" + c.region)
	if c.describeErr != nil {
		return nil, c.describeErr
	}
	if in.AccessLevelFilter == nil || in.AccessLevelFilter.Key != sctypes.AccessLevelFilterKeyAccount {
		return nil, fmt.Errorf("search at %+v, want the account level", in.AccessLevelFilter)
	}
	out := &servicecatalog.SearchProvisionedProductsOutput{}
	for _, name := range slices.Sorted(maps.Keys(c.products)) {
		p := c.products[name]
		a := sctypes.ProvisionedProductAttribute{Id: aws.String("pp-" + name), Name: aws.String(name), Status: p.status,
			ProvisioningArtifactId: aws.String(p.artifact), ProvisioningArtifactName: aws.String(p.artifact)}
		for _, k := range slices.Sorted(maps.Keys(p.tags)) {
			a.Tags = append(a.Tags, sctypes.Tag{Key: aws.String(k), Value: aws.String(p.tags[k])})
		}
		out.ProvisionedProducts = append(out.ProvisionedProducts, a)
	}
	return out, nil
}

func artifact(id, name string, guidance sctypes.ProvisioningArtifactGuidance, created string) sctypes.ProvisioningArtifact {
	t, err := time.Parse(time.DateOnly, created)
	if err != nil {
		panic(err)
	}
	return sctypes.ProvisioningArtifact{Id: aws.String(id), Name: aws.String(name), Guidance: guidance, CreatedTime: aws.Time(t)}
}

// artifacts are the default world's versions (same IDs in every region, for brevity).
var artifacts = map[string][]sctypes.ProvisioningArtifact{
	"baseline-vpc": {
		artifact("pa-vpc10", "v1.0", sctypes.ProvisioningArtifactGuidanceDeprecated, "2024-01-15"),
		artifact("pa-vpc11", "v1.1", sctypes.ProvisioningArtifactGuidanceDefault, "2024-06-01"),
		artifact("pa-vpc20", "v2.0", sctypes.ProvisioningArtifactGuidanceDefault, "2025-01-01"),
	},
	"security-audit": {
		artifact("pa-sa2406", "2024.06", sctypes.ProvisioningArtifactGuidanceDefault, "2024-06-01"),
		artifact("pa-sa2501", "2025.01", sctypes.ProvisioningArtifactGuidanceDefault, "2025-01-01"),
	},
}

func apiErr(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg}
}

// fakeAccounts opens accounts: per account either an error or per-region catalogs.
type fakeAccounts struct {
	open  map[string]error
	cats  map[string]map[string]*fakeCatalog // account -> region -> catalog
	calls *callCounter
}

func (f *fakeAccounts) Open(_ context.Context, account, sessionName string) (func(string) Catalog, error) {
	f.calls.add("Open/" + account)
	if sessionName != "landfall-status" {
		return nil, fmt.Errorf("session name %q, want landfall-status", sessionName)
	}
	if err := f.open[account]; err != nil {
		return nil, err
	}
	return func(region string) Catalog {
		c, ok := f.cats[account][region]
		if !ok {
			c = &fakeCatalog{region: region}
		}
		c.region, c.calls = region, f.calls
		return c
	}, nil
}

// healthy is every target AVAILABLE on the latest version.
func healthy() map[string]product {
	return map[string]product{
		"landfall-baseline-vpc":   {status: sctypes.ProvisionedProductStatusAvailable, artifact: "pa-vpc20"},
		"landfall-security-audit": {status: sctypes.ProvisionedProductStatusAvailable, artifact: "pa-sa2501"},
	}
}

func with(products map[string]product, name string, p product) map[string]product {
	products[name] = p
	return products
}

func examplePlan(t *testing.T, edit func(string) string) *plan.Plan {
	t.Helper()
	text := string(plan.Example())
	if edit != nil {
		text = edit(text)
	}
	pl, err := plan.Parse([]byte(text), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

var regions = []string{"us-east-1", "us-west-2", "us-west-1"}

// allRegions gives an account the same catalog contents in every plan region.
func allRegions(products func() map[string]product) map[string]*fakeCatalog {
	out := map[string]*fakeCatalog{}
	for _, r := range regions {
		out[r] = &fakeCatalog{products: products()}
	}
	return out
}

func rowsByKey(rep *Report) map[string]Row {
	out := map[string]Row{}
	for _, r := range rep.Rows {
		out[r.Account+"/"+r.Region+"/"+r.Product] = r
	}
	return out
}

func TestStates(t *testing.T) {
	const vpc, audit = "landfall-baseline-vpc", "landfall-security-audit"
	tests := []struct {
		name     string
		planEdit func(string) string
		cat      *fakeCatalog
		open     error
		// want is the state of us-west-1 baseline-vpc and security-audit.
		wantVPC, wantAudit Row
		// calls is the number of DescribeProvisionedProduct calls in us-west-1.
		describes int
		// otherVPC is the state of baseline-vpc in the other regions (default OK).
		otherVPC State
	}{
		{
			name:      "ok on latest",
			cat:       &fakeCatalog{products: healthy()},
			wantVPC:   Row{State: OK, Status: "AVAILABLE", Version: "v2.0", WantedVersion: "v2.0", ProvisionedProductID: "pp-" + vpc},
			wantAudit: Row{State: OK, Version: "2025.01", WantedVersion: "2025.01"},
			describes: 2,
		},
		{
			name:      "outdated",
			cat:       &fakeCatalog{products: with(healthy(), vpc, product{status: "AVAILABLE", artifact: "pa-vpc11"})},
			wantVPC:   Row{State: Outdated, Version: "v1.1", WantedVersion: "v2.0", Reason: "runs v1.1, the plan wants v2.0"},
			wantAudit: Row{State: OK},
			describes: 2,
		},
		{
			name:      "missing shows the plan's version spec",
			cat:       &fakeCatalog{products: map[string]product{}},
			wantVPC:   Row{State: Missing, WantedVersion: "latest", Reason: "not provisioned"},
			wantAudit: Row{State: Missing, WantedVersion: "latest"},
			describes: 2,
		},
		{
			name:      "failed",
			cat:       &fakeCatalog{products: with(healthy(), audit, product{status: "ERROR", artifact: "pa-sa2501", message: "AuditBucket failed"})},
			wantVPC:   Row{State: OK},
			wantAudit: Row{State: Failed, Status: "ERROR", Version: "2025.01", Reason: "provisioning failed", Error: "AuditBucket failed"},
			describes: 2,
		},
		{
			name:      "tainted",
			cat:       &fakeCatalog{products: with(healthy(), vpc, product{status: "TAINTED", artifact: "pa-vpc11", message: "update rolled back"})},
			wantVPC:   Row{State: Tainted, Version: "v1.1", Error: "update rolled back"},
			wantAudit: Row{State: OK},
			describes: 2,
		},
		{
			name:      "in progress",
			cat:       &fakeCatalog{products: with(healthy(), vpc, product{status: "UNDER_CHANGE", artifact: "pa-vpc20"})},
			wantVPC:   Row{State: InProgress},
			wantAudit: Row{State: OK},
			describes: 2,
		},
		{
			name:      "unverified when the product cannot be described",
			cat:       &fakeCatalog{products: healthy(), productErr: apiErr("ResourceNotFoundException", "Product not found")},
			wantVPC:   Row{State: Unverified, Version: "pa-vpc20", WantedVersion: "latest", Reason: "wanted version not resolvable"},
			wantAudit: Row{State: Unverified},
			describes: 2,
		},
		{
			name:      "disabled region: one call, every product of the region unreachable",
			cat:       &fakeCatalog{describeErr: apiErr("UnrecognizedClientException", "The security token included in the request is invalid.")},
			wantVPC:   Row{State: Unreachable, Reason: "region us-west-1 not usable by the account (disabled or not opted in)", Error: "UnrecognizedClientException: The security token included in the request is invalid."},
			wantAudit: Row{State: Unreachable, Reason: "region us-west-1 not usable by the account (disabled or not opted in)"},
			describes: 1,
		},
		{
			name:      "access denied",
			cat:       &fakeCatalog{describeErr: apiErr("AccessDeniedException", "not authorized to perform servicecatalog:DescribeProvisionedProduct")},
			wantVPC:   Row{State: Unreachable, Reason: "access denied to Service Catalog"},
			wantAudit: Row{State: Unreachable},
			describes: 1,
		},
		{
			name:      "role not assumable",
			open:      fmt.Errorf("assume role: %w", apiErr("AccessDenied", "User: arn:aws:iam::111111111111:root is not authorized to perform: sts:AssumeRole")),
			wantVPC:   Row{State: Unreachable, WantedVersion: "latest", Reason: "role AWSControlTowerExecution not assumable", Error: "AccessDenied: User: arn:aws:iam::111111111111:root is not authorized to perform: sts:AssumeRole"},
			wantAudit: Row{State: Unreachable, Reason: "role AWSControlTowerExecution not assumable"},
			describes: 0,
		},
		{
			name:      "pinned deprecated version still running is as planned",
			planEdit:  pinVPC("v1.0"),
			cat:       &fakeCatalog{products: with(healthy(), vpc, product{status: "AVAILABLE", artifact: "pa-vpc10"})},
			wantVPC:   Row{State: OK, Version: "v1.0", WantedVersion: "v1.0"},
			wantAudit: Row{State: OK},
			describes: 2,
			otherVPC:  Outdated,
		},
		{
			name:      "pinned version, product on latest",
			planEdit:  pinVPC("v1.1"),
			cat:       &fakeCatalog{products: healthy()},
			wantVPC:   Row{State: Outdated, Version: "v2.0", WantedVersion: "v1.1"},
			wantAudit: Row{State: OK},
			describes: 2,
			otherVPC:  Outdated,
		},
		{
			name:      "pinned version the account cannot see",
			planEdit:  pinVPC("v9.9"),
			cat:       &fakeCatalog{products: healthy()},
			wantVPC:   Row{State: Unverified, Version: "v2.0", WantedVersion: "v9.9", Error: "version v9.9 of baseline-vpc is not visible to the account in us-west-1"},
			wantAudit: Row{State: OK},
			describes: 2,
			otherVPC:  Unverified,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := &callCounter{}
			cats := allRegions(healthy)
			if tt.cat != nil {
				cats["us-west-1"] = tt.cat
			}
			r := &Reporter{Products: productIDs{},
				Plan:      examplePlan(t, tt.planEdit),
				Directory: &fakeDirectory{accounts: []plan.Account{account(acct1, "LifeCycle1", custom)}},
				Accounts:  &fakeAccounts{open: map[string]error{acct1: tt.open}, cats: map[string]map[string]*fakeCatalog{acct1: cats}, calls: calls},
			}
			rep, err := r.Run(context.Background(), Request{Accounts: []string{acct1}})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Targets != 6 || len(rep.Rows) != 6 || rep.Accounts != 1 {
				t.Fatalf("report has %d accounts, %d targets, %d rows; want 1, 6, 6", rep.Accounts, rep.Targets, len(rep.Rows))
			}
			rows := rowsByKey(rep)
			check(t, "baseline-vpc", rows[acct1+"/us-west-1/baseline-vpc"], tt.wantVPC)
			check(t, "security-audit", rows[acct1+"/us-west-1/security-audit"], tt.wantAudit)
			if n := calls.get("DescribeProvisionedProduct/us-west-1"); n != tt.describes {
				t.Errorf("DescribeProvisionedProduct calls in us-west-1 = %d, want %d", n, tt.describes)
			}
			// The other regions are untouched by us-west-1's trouble, unless the whole account is.
			for _, reg := range []string{"us-east-1", "us-west-2"} {
				for _, p := range []string{"baseline-vpc", "security-audit"} {
					want := OK
					switch {
					case tt.open != nil:
						want = Unreachable
					case p == "baseline-vpc" && tt.otherVPC != "":
						want = tt.otherVPC
					}
					if got := rows[acct1+"/"+reg+"/"+p].State; got != want {
						t.Errorf("%s/%s = %s, want %s", reg, p, got, want)
					}
				}
			}
			total := 0
			for _, n := range rep.Summary {
				total += n
			}
			if total != rep.Targets {
				t.Errorf("summary %v counts %d targets, want %d", rep.Summary, total, rep.Targets)
			}
			if tt.open != nil && rep.UnreachableAccounts != 1 {
				t.Errorf("unreachable accounts = %d, want 1", rep.UnreachableAccounts)
			}
		})
	}
}

func pinVPC(version string) func(string) string {
	return func(s string) string {
		return strings.Replace(s, "product: baseline-vpc          # the product name (or its prod- ID, single region only)\n    version: latest",
			"product: baseline-vpc\n    version: "+version, 1)
	}
}

// check compares the fields of want that are set.
func check(t *testing.T, what string, got, want Row) {
	t.Helper()
	if got.State != want.State {
		t.Errorf("%s: state %s (%s: %s), want %s", what, got.State, got.Reason, got.Error, want.State)
	}
	for _, f := range []struct{ name, got, want string }{
		{"status", got.Status, want.Status},
		{"version", got.Version, want.Version},
		{"wanted version", got.WantedVersion, want.WantedVersion},
		{"reason", got.Reason, want.Reason},
		{"error", got.Error, want.Error},
		{"provisioned product ID", got.ProvisionedProductID, want.ProvisionedProductID},
	} {
		if f.want != "" && f.got != f.want {
			t.Errorf("%s: %s = %q, want %q", what, f.name, f.got, f.want)
		}
	}
}

func TestRowsOrderedByAccountRegionProduct(t *testing.T) {
	calls := &callCounter{}
	r := &Reporter{Products: productIDs{},
		Plan: examplePlan(t, nil),
		Directory: &fakeDirectory{accounts: []plan.Account{
			account(acct2, "LifeCycle2", custom), account(acct1, "LifeCycle1", custom),
		}},
		Accounts: &fakeAccounts{cats: map[string]map[string]*fakeCatalog{acct1: allRegions(healthy), acct2: allRegions(healthy)}, calls: calls},
		// Strictly one at a time: the order must not depend on scheduling anyway.
		AccountConcurrency: 1, RegionConcurrency: 1,
	}
	rep, err := r.Run(context.Background(), Request{Accounts: []string{acct2, acct1}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rep.Rows {
		got = append(got, row.Account[:1]+" "+row.Region+" "+row.Product)
	}
	want := []string{
		"3 us-east-1 baseline-vpc", "3 us-east-1 security-audit", "3 us-west-2 baseline-vpc", "3 us-west-2 security-audit",
		"3 us-west-1 baseline-vpc", "3 us-west-1 security-audit",
		"2 us-east-1 baseline-vpc", "2 us-east-1 security-audit", "2 us-west-2 baseline-vpc", "2 us-west-2 security-audit",
		"2 us-west-1 baseline-vpc", "2 us-west-1 security-audit",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("row order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSelectionAndExclusions(t *testing.T) {
	calls := &callCounter{}
	dir := &fakeDirectory{
		accounts: []plan.Account{
			account(mgmt, "Management", plan.OU{ID: "r-ab12"}),
			account(acct1, "LifeCycle1", custom),
			account("444444444444", "Log Archive", security),
		},
		excluded: []directory.Excluded{{Account: "999999999999", Reason: "account status is SUSPENDED"}},
	}
	r := &Reporter{Products: productIDs{},
		Plan:      examplePlan(t, nil),
		Directory: dir,
		Accounts:  &fakeAccounts{cats: map[string]map[string]*fakeCatalog{acct1: allRegions(healthy)}, calls: calls},
	}
	// The launch function runs in the management account: without
	// ManagementAccount set, the reporter takes it from the invoked function's ARN.
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{
		InvokedFunctionArn: "arn:aws:lambda:us-east-1:" + mgmt + ":function:landfall-launch",
	})
	got, err := r.Report(ctx, &manual.StatusRequest{OUs: []string{"r-ab12"}, Recursive: true, Regions: []string{"us-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	rep := got.(*Report)
	if sel := dir.got[0]; sel.ManagementAccount != mgmt || sel.IncludeManagement || !sel.Recursive || sel.OUs[0] != "r-ab12" {
		t.Errorf("selection = %+v, want OU r-ab12 recursive without the management account %s", sel, mgmt)
	}
	if rep.Accounts != 1 || rep.Targets != 2 {
		t.Errorf("accounts %d, targets %d; want 1 account (LifeCycle1) with 2 targets in us-west-1", rep.Accounts, rep.Targets)
	}
	for _, row := range rep.Rows {
		if row.Region != "us-west-1" {
			t.Errorf("row outside the region filter: %+v", row)
		}
	}
	wantExcl := []Exclusion{
		{Account: "999999999999", Reason: "account status is SUSPENDED"},
		{Account: "444444444444", AccountName: "Log Archive", Reason: `excluded by exclude.ous "Security"`},
	}
	if len(rep.Excluded) != len(wantExcl) {
		t.Fatalf("excluded = %+v, want %+v (filter exclusions are not listed)", rep.Excluded, wantExcl)
	}
	for i, w := range wantExcl {
		if g := rep.Excluded[i]; g.Account != w.Account || g.AccountName != w.AccountName || !strings.Contains(g.Reason, w.Reason) {
			t.Errorf("excluded[%d] = %+v, want %+v", i, g, w)
		}
	}
	// An excluded account is opened once, to look for what Landfall left
	// there (retire.go); it has none, so it has no rows.
	if n := calls.get("Open/444444444444"); n != 1 {
		t.Errorf("an excluded account was opened %d times, want once", n)
	}
}

func TestManagementAccountIncludedByPlan(t *testing.T) {
	calls := &callCounter{}
	dir := &fakeDirectory{accounts: []plan.Account{account(mgmt, "Management", plan.OU{ID: "r-ab12"})}}
	r := &Reporter{Products: productIDs{},
		Plan: examplePlan(t, func(s string) string {
			return strings.Replace(s, "includeManagementAccount: false", "includeManagementAccount: true", 1)
		}),
		Directory:         dir,
		ManagementAccount: mgmt,
		Accounts:          &fakeAccounts{cats: map[string]map[string]*fakeCatalog{mgmt: allRegions(healthy)}, calls: calls},
	}
	rep, err := r.Run(context.Background(), Request{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if !dir.got[0].IncludeManagement || rep.Targets != 6 || rep.Summary[OK] != 6 {
		t.Errorf("selection %+v, report %+v: the plan includes the management account", dir.got[0], rep.Summary)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name    string
		req     Request
		dirErr  error
		wantErr []string
	}{
		{"nothing selected", Request{}, nil, []string{"exactly one of accounts, OUs or all"}},
		{"two selections", Request{Accounts: []string{acct1}, All: true}, nil, []string{"exactly one of accounts, OUs or all"}},
		{"recursive without OUs", Request{All: true, Recursive: true}, nil, []string{"recursive applies only to OUs"}},
		{"every problem at once", Request{Recursive: true, Regions: []string{"eu-west-3"}, Products: []string{"nope"}},
			nil, []string{"exactly one of", "recursive applies only to OUs", "eu-west-3", "nope"}},
		{"organizations fails", Request{All: true}, errors.New("list roots: AccessDeniedException"), []string{"status: select accounts: list roots: AccessDeniedException"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Reporter{Products: productIDs{}, Plan: examplePlan(t, nil), Directory: &fakeDirectory{err: tt.dirErr}, Accounts: &fakeAccounts{calls: &callCounter{}}}
			_, err := r.Run(context.Background(), tt.req)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestCanceledContextFailsTheReport(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := &Reporter{Products: productIDs{},
		Plan:      examplePlan(t, nil),
		Directory: &fakeDirectory{accounts: []plan.Account{account(acct1, "LifeCycle1", custom)}},
		Accounts:  &fakeAccounts{cats: map[string]map[string]*fakeCatalog{acct1: allRegions(healthy)}, calls: &callCounter{}},
	}
	if _, err := r.Run(ctx, Request{All: true}); !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled: a half-built report must not pass for a whole one", err)
	}
}

func TestOneUnreachableAccountAmongMany(t *testing.T) {
	calls := &callCounter{}
	var accts []plan.Account
	cats := map[string]map[string]*fakeCatalog{}
	open := map[string]error{}
	for i := range 40 {
		id := fmt.Sprintf("%012d", 200000000000+i)
		accts = append(accts, account(id, "acct-"+id[9:], custom))
		cats[id] = allRegions(healthy)
		if i == 17 {
			open[id] = apiErr("AccessDenied", "not authorized to perform: sts:AssumeRole")
		}
	}
	r := &Reporter{Products: productIDs{}, Plan: examplePlan(t, nil), Directory: &fakeDirectory{accounts: accts}, Accounts: &fakeAccounts{open: open, cats: cats, calls: calls}}
	rep, err := r.Run(context.Background(), Request{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accounts != 40 || rep.Targets != 240 || rep.Summary[OK] != 234 || rep.Summary[Unreachable] != 6 || rep.UnreachableAccounts != 1 {
		t.Errorf("summary: %s %v", Summary(rep), rep.Summary)
	}
	if !rep.Drift() {
		t.Error("Drift() = false with unreachable targets")
	}
}

func TestWriteTable(t *testing.T) {
	rep := &Report{
		Accounts: 2, UnreachableAccounts: 1, Targets: 3,
		Summary: map[State]int{OK: 1, Missing: 1, Unreachable: 1},
		Rows: []Row{
			{Account: acct1, AccountName: "LifeCycle1", Region: "us-east-1", Product: "baseline-vpc", State: OK, Version: "v2.0", WantedVersion: "v2.0"},
			{Account: acct1, AccountName: "LifeCycle1", Region: "us-east-1", Product: "security-audit", State: Missing, WantedVersion: "latest", Reason: "not provisioned"},
			{Account: acct2, Region: "us-east-1", Product: "baseline-vpc", State: Unreachable, WantedVersion: "latest", Reason: "role AWSControlTowerExecution not assumable"},
		},
		Excluded: []Exclusion{{Account: "444444444444", AccountName: "Log Archive", Reason: `excluded by exclude.ous "Security"`}},
	}
	tests := []struct {
		name string
		opts TableOptions
		file string
	}{
		{"all rows", TableOptions{}, "table.txt"},
		{"only drift", TableOptions{OnlyDrift: true, NoExclusions: true}, "table-drift.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteTable(&b, rep, tt.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, b.Bytes())
		})
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		rep  Report
		want string
	}{
		{Report{Summary: map[State]int{}}, "0 accounts, 0 targets"},
		{Report{Accounts: 1, Targets: 1, Summary: map[State]int{OK: 1}}, "1 account, 1 target: 1 OK"},
		{Report{Accounts: 200, UnreachableAccounts: 2, Targets: 1200, Summary: map[State]int{Unreachable: 14, OK: 1180, Missing: 6},
			Excluded: make([]Exclusion, 12)}, "200 accounts (2 unreachable), 1200 targets: 1180 OK, 6 MISSING, 14 UNREACHABLE; 12 excluded"},
	}
	for _, tt := range tests {
		if got := Summary(&tt.rep); got != tt.want {
			t.Errorf("Summary = %q, want %q", got, tt.want)
		}
	}
}

func TestReportJSON(t *testing.T) {
	rep := &Report{Plan: "plan.yaml", Accounts: 1, Targets: 1, Summary: map[State]int{Missing: 1},
		Rows: []Row{{Account: acct1, Region: "us-west-1", Product: "baseline-vpc", State: Missing, ProvisionedProductName: "landfall-baseline-vpc", Reason: "not provisioned"}}}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", append(b, '\n'))
}

var update = os.Getenv("UPDATE_GOLDEN") != ""

// golden compares got with testdata/name; UPDATE_GOLDEN=1 rewrites it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// productIDs names each plan product prod-<key>, as if resolved in its portfolio.
type productIDs struct{}

func (productIDs) ProductID(_ context.Context, _, key string) (string, string, error) {
	return "prod-" + key, "", nil
}
