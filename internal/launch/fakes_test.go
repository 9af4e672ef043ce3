package launch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/preflight"
	"github.com/landfall/landfall/internal/runstate"
)

// fakeOrg is a small organization behind the Organizations calls the
// directory makes, paging every list two items at a time so that pagination
// is exercised.
type fakeOrg struct {
	root     string
	ous      []fakeOU
	accounts []fakeAccount
	// fail makes an operation fail with the error.
	fail map[string]error

	mu    sync.Mutex
	calls map[string]int
}

type fakeOU struct{ id, name, parent string }

type fakeAccount struct{ id, name, parent, status string }

const pageSize = 2

const (
	mgmt      = "111111111111"
	root      = "r-ab12"
	ouCustom  = "ou-ab12-l3zc8b3h"
	ouSec     = "ou-ab12-s3cur1ty"
	ouWork    = "ou-ab12-w0rkl0ad"
	ouProd    = "ou-ab12-pr0dw0rk"
	ouSandbox = "ou-ab12-s4ndb0x1"
	ouBulk    = "ou-ab12-bu1kbu1k"
)

// newOrg is the default world's organization plus an account directly under
// Workloads, a suspended one in Sandbox, and n accounts in an OU "Bulk".
func newOrg(bulk int) *fakeOrg {
	o := &fakeOrg{
		root: root,
		ous: []fakeOU{
			{ouCustom, "Custom", root}, {ouSec, "Security", root}, {ouWork, "Workloads", root},
			{ouProd, "Prod", ouWork}, {ouSandbox, "Sandbox", ouWork}, {ouBulk, "Bulk", root},
		},
		accounts: []fakeAccount{
			{mgmt, "Management", root, "ACTIVE"},
			{"222222222222", "LifeCycle1", ouCustom, "ACTIVE"},
			{"624281831893", "LifeCycle3", ouCustom, "ACTIVE"},
			{"333333333333", "LifeCycle2", ouCustom, "ACTIVE"},
			{"444444444444", "Log Archive", ouSec, "ACTIVE"},
			{"555555555555", "Audit", ouSec, "ACTIVE"},
			{"888888888888", "workloads-shared", ouWork, "ACTIVE"},
			{"666666666666", "payments-prod", ouProd, "ACTIVE"},
			{"777777777777", "dev-sandbox", ouSandbox, "ACTIVE"},
			{"999999999999", "old-sandbox", ouSandbox, "SUSPENDED"},
		},
		fail: map[string]error{},
	}
	for i := range bulk {
		o.accounts = append(o.accounts, fakeAccount{bulkID(i), fmt.Sprintf("bulk-%03d", i), ouBulk, "ACTIVE"})
	}
	return o
}

func bulkID(i int) string { return fmt.Sprintf("%012d", 100000000000+i) }

var _ directory.API = (*fakeOrg)(nil)

func (o *fakeOrg) call(op string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.calls == nil {
		o.calls = map[string]int{}
	}
	o.calls[op]++
	return o.fail[op]
}

func (o *fakeOrg) count(op string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.calls[op]
}

// page returns items[token:token+pageSize] and the next token.
func page[T any](items []T, token *string) ([]T, *string) {
	start := 0
	if token != nil {
		start, _ = strconv.Atoi(*token)
	}
	end := min(start+pageSize, len(items))
	var next *string
	if end < len(items) {
		next = aws.String(strconv.Itoa(end))
	}
	return items[start:end], next
}

func (o *fakeOrg) isParent(id string) bool {
	if id == o.root {
		return true
	}
	for _, u := range o.ous {
		if u.id == id {
			return true
		}
	}
	return false
}

func (o *fakeOrg) DescribeAccount(_ context.Context, in *organizations.DescribeAccountInput, _ ...func(*organizations.Options)) (*organizations.DescribeAccountOutput, error) {
	if err := o.call("DescribeAccount"); err != nil {
		return nil, err
	}
	for _, a := range o.accounts {
		if a.id == aws.ToString(in.AccountId) {
			return &organizations.DescribeAccountOutput{Account: &orgtypes.Account{Id: aws.String(a.id), Name: aws.String(a.name), Status: orgtypes.AccountStatus(a.status)}}, nil
		}
	}
	return nil, &orgtypes.AccountNotFoundException{Message: aws.String("You specified an account that doesn't exist.")}
}

func (o *fakeOrg) ListAccounts(_ context.Context, in *organizations.ListAccountsInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	if err := o.call("ListAccounts"); err != nil {
		return nil, err
	}
	var all []orgtypes.Account
	for _, a := range o.accounts {
		all = append(all, orgtypes.Account{Id: aws.String(a.id), Name: aws.String(a.name), Status: orgtypes.AccountStatus(a.status)})
	}
	items, next := page(all, in.NextToken)
	return &organizations.ListAccountsOutput{Accounts: items, NextToken: next}, nil
}

func (o *fakeOrg) ListParents(_ context.Context, in *organizations.ListParentsInput, _ ...func(*organizations.Options)) (*organizations.ListParentsOutput, error) {
	if err := o.call("ListParents"); err != nil {
		return nil, err
	}
	child := aws.ToString(in.ChildId)
	parent := ""
	for _, a := range o.accounts {
		if a.id == child {
			parent = a.parent
		}
	}
	for _, u := range o.ous {
		if u.id == child {
			parent = u.parent
		}
	}
	if parent == "" {
		return nil, &orgtypes.ChildNotFoundException{Message: aws.String("no such child")}
	}
	typ := orgtypes.ParentTypeOrganizationalUnit
	if parent == o.root {
		typ = orgtypes.ParentTypeRoot
	}
	return &organizations.ListParentsOutput{Parents: []orgtypes.Parent{{Id: aws.String(parent), Type: typ}}}, nil
}

func (o *fakeOrg) DescribeOrganizationalUnit(_ context.Context, in *organizations.DescribeOrganizationalUnitInput, _ ...func(*organizations.Options)) (*organizations.DescribeOrganizationalUnitOutput, error) {
	if err := o.call("DescribeOrganizationalUnit"); err != nil {
		return nil, err
	}
	for _, u := range o.ous {
		if u.id == aws.ToString(in.OrganizationalUnitId) {
			return &organizations.DescribeOrganizationalUnitOutput{OrganizationalUnit: &orgtypes.OrganizationalUnit{Id: aws.String(u.id), Name: aws.String(u.name)}}, nil
		}
	}
	return nil, &orgtypes.OrganizationalUnitNotFoundException{Message: aws.String("no such OU")}
}

func (o *fakeOrg) ListChildren(_ context.Context, in *organizations.ListChildrenInput, _ ...func(*organizations.Options)) (*organizations.ListChildrenOutput, error) {
	if err := o.call("ListChildren"); err != nil {
		return nil, err
	}
	if in.ChildType != orgtypes.ChildTypeOrganizationalUnit {
		return nil, fmt.Errorf("fake: only OU children are modelled, got %q", in.ChildType)
	}
	var kids []orgtypes.Child
	for _, u := range o.ous {
		if u.parent == aws.ToString(in.ParentId) {
			kids = append(kids, orgtypes.Child{Id: aws.String(u.id), Type: orgtypes.ChildTypeOrganizationalUnit})
		}
	}
	items, next := page(kids, in.NextToken)
	return &organizations.ListChildrenOutput{Children: items, NextToken: next}, nil
}

func (o *fakeOrg) ListAccountsForParent(_ context.Context, in *organizations.ListAccountsForParentInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsForParentOutput, error) {
	if err := o.call("ListAccountsForParent"); err != nil {
		return nil, err
	}
	parent := aws.ToString(in.ParentId)
	if !o.isParent(parent) {
		return nil, &orgtypes.ParentNotFoundException{Message: aws.String("We can't find a root or OU with the ParentId that you specified.")}
	}
	var accts []orgtypes.Account
	for _, a := range o.accounts {
		if a.parent == parent {
			accts = append(accts, orgtypes.Account{Id: aws.String(a.id), Name: aws.String(a.name), Status: orgtypes.AccountStatus(a.status)})
		}
	}
	items, next := page(accts, in.NextToken)
	return &organizations.ListAccountsForParentOutput{Accounts: items, NextToken: next}, nil
}

func (o *fakeOrg) ListOrganizationalUnitsForParent(_ context.Context, in *organizations.ListOrganizationalUnitsForParentInput, _ ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error) {
	if err := o.call("ListOrganizationalUnitsForParent"); err != nil {
		return nil, err
	}
	var ous []orgtypes.OrganizationalUnit
	for _, ou := range o.ous {
		if ou.parent == aws.ToString(in.ParentId) {
			ous = append(ous, orgtypes.OrganizationalUnit{Id: aws.String(ou.id), Name: aws.String(ou.name)})
		}
	}
	items, next := page(ous, in.NextToken)
	return &organizations.ListOrganizationalUnitsForParentOutput{OrganizationalUnits: items, NextToken: next}, nil
}

func (o *fakeOrg) ListRoots(_ context.Context, _ *organizations.ListRootsInput, _ ...func(*organizations.Options)) (*organizations.ListRootsOutput, error) {
	if err := o.call("ListRoots"); err != nil {
		return nil, err
	}
	return &organizations.ListRootsOutput{Roots: []orgtypes.Root{{Id: aws.String(o.root)}}}, nil
}

// sent is one run the fake queue accepted.
type sent struct {
	run   runstate.Run
	delay time.Duration
}

// fakeQueue records runs; failAt makes the n-th send (1-based) and every later one fail.
type fakeQueue struct {
	failAt int
	err    error

	mu   sync.Mutex
	sent []sent
	n    int
}

func (q *fakeQueue) Send(_ context.Context, run *runstate.Run, delay time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.n++
	if q.failAt > 0 && q.n >= q.failAt {
		return q.err
	}
	q.sent = append(q.sent, sent{run: *run, delay: delay})
	return nil
}

// fakeNotifier records messages, or fails with err.
type fakeNotifier struct {
	err error

	mu   sync.Mutex
	msgs []notify.Message
}

func (n *fakeNotifier) Publish(_ context.Context, m notify.Message) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.err != nil {
		return n.err
	}
	n.msgs = append(n.msgs, m)
	return nil
}

// fakeDryRunner marks every target planned, or fails the accounts in fail.
type fakeDryRunner struct {
	fail map[string]error

	mu       sync.Mutex
	accounts []string
}

func (d *fakeDryRunner) DryRun(_ context.Context, run *runstate.Run) error {
	d.mu.Lock()
	d.accounts = append(d.accounts, run.Account.ID)
	d.mu.Unlock()
	if err := d.fail[run.Account.ID]; err != nil {
		return err
	}
	for i := range run.Targets {
		run.Targets[i].Status = runstate.Planned
		run.Targets[i].Note = "would provision"
	}
	return nil
}

// fakeStatus answers status payloads with a fixed value or error.
type fakeStatus struct {
	answer any
	err    error
	got    []*manual.StatusRequest
}

func (s *fakeStatus) Report(_ context.Context, req *manual.StatusRequest) (any, error) {
	s.got = append(s.got, req)
	return s.answer, s.err
}

// fixture is a handler with its fakes.
type fixture struct {
	h        *Handler
	org      *fakeOrg
	queue    *fakeQueue
	notifier *fakeNotifier
	dry      *fakeDryRunner
	ledger   *fakeLedger
}

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newFixture(t testing.TB, org *fakeOrg) *fixture {
	t.Helper()
	pl, err := plan.ExamplePlan()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{org: org, queue: &fakeQueue{}, notifier: &fakeNotifier{}, dry: &fakeDryRunner{}, ledger: newFakeLedger()}
	f.h = &Handler{
		Plan:              pl,
		Directory:         &directory.Directory{API: org},
		Members:           &membership.Checker{API: org, ManagementAccount: mgmt, IncludeManagement: pl.IncludeManagementAccount},
		Preflight:         selectorsOnly{plan: pl, org: &preflight.OrgIndex{API: org}},
		Queue:             f.queue,
		Notifier:          f.notifier,
		Ledger:            f.ledger,
		DryRunner:         f.dry,
		ManagementAccount: mgmt,
		WorkerConcurrency: 5,
		Now:               func() time.Time { return start },
		Logger:            slog.New(slog.DiscardHandler),
	}
	return f
}

func (f *fixture) queuedAccounts() []string {
	var out []string
	for _, s := range f.queue.sent {
		out = append(out, s.run.Account.ID)
	}
	return out
}

var errBoom = errors.New("boom")

// selectorsOnly is the preflight without its catalog half: these tests have
// no catalog (internal/localrun runs the whole preflight on the emulator).
type selectorsOnly struct {
	plan *plan.Plan
	org  *preflight.OrgIndex
}

func (s selectorsOnly) Check(ctx context.Context) (preflight.Report, error) {
	o, err := s.org.Get(ctx, true)
	if err != nil {
		return preflight.Report{}, err
	}
	return preflight.CheckSelectors(s.plan, o), nil
}
