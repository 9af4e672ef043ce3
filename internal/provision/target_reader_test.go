package provision

import (
	"slices"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/runstate"
)

// With member roles the launch function reads member accounts as a role of
// its own (LandfallReader), which sees a shared product only once it is
// associated with the portfolio: the worker associates it next to its own
// role wherever it opens a portfolio.

const (
	provisionerARN = "arn:aws:iam::222222222222:role/LandfallProvisioner"
	readerARN      = "arn:aws:iam::222222222222:role/LandfallReader"
	readerName     = "LandfallReader"
)

func associateAs(region, principal string) string {
	return opAssociate + " portfolio=" + portfolios[region] + " principal=" + principal + " type=IAM"
}

// readerCase is one step of a new target by a worker configured with a
// reader role.
type readerCase struct {
	name       string
	reader     string   // Engine.ReaderRoleName
	opened     []string // run.Opened before the step
	replies    []reply
	calls      []string
	want       runstate.Target
	errorHas   string
	noteHas    string
	wantOpened []string // run.Opened after the step
}

var (
	bothOpened     = gateKey(ue1, portfolios[ue1], provisionerARN, readerARN)
	provisionedVPC = v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-1", ProvisionedProductID: "pp-1"})
)

var readerCases = []readerCase{
	{
		name:   "the reader is associated after the execution role, in the run's account",
		reader: readerName,
		replies: []reply{
			fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated, roleAssociated,
			ret(described(vpc)), ret(provisionOut("rec-1", "pp-1")),
		},
		calls: []string{dppCall(vpc), acceptCall(ue1), associateAs(ue1, provisionerARN), associateAs(ue1, readerARN),
			productCall(vpc), launchCall(ue1, vpc, "pa-2", "", portfolios[ue1])},
		want:       provisionedVPC,
		wantOpened: []string{bothOpened},
	},
	{
		name:   "a reader that does not exist fails the target, naming the reader; nothing is remembered as opened",
		reader: readerName,
		replies: []reply{
			fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated,
			fails(opAssociate, apiErr("InvalidParametersException", "Principal "+readerARN+" does not exist")),
		},
		calls:    []string{dppCall(vpc), acceptCall(ue1), associateAs(ue1, provisionerARN), associateAs(ue1, readerARN)},
		want:     runstate.Target{Region: ue1, Product: vpc, Status: runstate.Failed},
		errorHas: "associate the launch function's reader role " + readerARN + " with portfolio port-ue1baseline0 (dry runs and status read as it): InvalidParametersException: Principal " + readerARN + " does not exist",
	},
	{
		name:   "a throttled reader association is retried on the next step",
		reader: readerName,
		replies: []reply{
			fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated, fails(opAssociate, throttled),
		},
		calls:   []string{dppCall(vpc), acceptCall(ue1), associateAs(ue1, provisionerARN), associateAs(ue1, readerARN)},
		want:    runstate.Target{Region: ue1, Product: vpc, Status: runstate.Pending},
		noteHas: "retrying: associate the launch function's reader role " + readerARN,
	},
	{
		// A run whose earlier steps opened the portfolio before the worker
		// was given a reader (an upgrade mid-run) opens it again.
		name:   "a portfolio opened for the execution role alone is opened again for both",
		reader: readerName,
		opened: []string{gateKey(ue1, portfolios[ue1], provisionerARN)},
		replies: []reply{
			fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated, roleAssociated,
			ret(described(vpc)), ret(provisionOut("rec-1", "pp-1")),
		},
		calls: []string{dppCall(vpc), acceptCall(ue1), associateAs(ue1, provisionerARN), associateAs(ue1, readerARN),
			productCall(vpc), launchCall(ue1, vpc, "pa-2", "", portfolios[ue1])},
		want:       provisionedVPC,
		wantOpened: []string{gateKey(ue1, portfolios[ue1], provisionerARN), bothOpened},
	},
	{
		name:    "an opened portfolio is not opened again",
		reader:  readerName,
		opened:  []string{bothOpened},
		replies: []reply{fails(opDescribePP, ppNotFound), ret(described(vpc)), ret(provisionOut("rec-1", "pp-1"))},
		calls:   []string{dppCall(vpc), productCall(vpc), launchCall(ue1, vpc, "pa-2", "", portfolios[ue1])},
		want:    provisionedVPC, wantOpened: []string{bothOpened},
	},
	{
		name:   "a reader that is the execution role is associated once",
		reader: "LandfallProvisioner",
		replies: []reply{
			fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated,
			ret(described(vpc)), ret(provisionOut("rec-1", "pp-1")),
		},
		calls: []string{dppCall(vpc), acceptCall(ue1), associateAs(ue1, provisionerARN),
			productCall(vpc), launchCall(ue1, vpc, "pa-2", "", portfolios[ue1])},
		want:       provisionedVPC,
		wantOpened: []string{gateKey(ue1, portfolios[ue1], provisionerARN)},
	},
}

// TestReaderRoleAssociated runs one step of a new target per case with a
// reader role configured and checks the exact calls, the target and what the
// run remembers as opened.
func TestReaderRoleAssociated(t *testing.T) {
	pl := stepTestPlan(t)
	for _, tc := range readerCases {
		t.Run(tc.name, func(t *testing.T) {
			run := testRun(runstate.TriggerCreate, pendingTarget(ue1, vpc))
			run.Opened = slices.Clone(tc.opened)
			clock := &fakeClock{now: t0}
			e := &Engine{Plan: pl, Products: staticIDs(productIDs), ReaderRoleName: tc.reader, Now: clock.Now, Sleep: clock.Sleep}
			cat := newScripted(t, tc.replies...)

			e.step(run, &run.Targets[0], provisionerARN, cat, &gates{m: make(map[string]*gate), run: run}).advance(t.Context())

			cat.verify()
			if got := cat.Calls(); !slices.Equal(got, tc.calls) {
				t.Errorf("calls:\n  got  %s\n  want %s", strings.Join(got, "\n       "), strings.Join(tc.calls, "\n       "))
			}
			want := tc.want
			want.ProvisionedProductName = "landfall-" + want.Product
			checkTarget(t, &run.Targets[0], want, tc.errorHas, tc.noteHas)
			if !slices.Equal(run.Opened, tc.wantOpened) {
				t.Errorf("run.Opened = %q, want %q", run.Opened, tc.wantOpened)
			}
		})
	}
}

// TestReaderARN: the reader is named in the execution role's account and
// partition; without a reader, or with an execution role that is not a role
// ARN, there is none to associate.
func TestReaderARN(t *testing.T) {
	for _, tt := range []struct{ reader, role, want string }{
		{readerName, provisionerARN, readerARN},
		{readerName, "arn:aws-us-gov:iam::333333333333:role/LandfallProvisioner", "arn:aws-us-gov:iam::333333333333:role/LandfallReader"},
		{"", provisionerARN, ""},
		{readerName, "LandfallProvisioner", ""},
		{readerName, "arn:aws:sts::222222222222:assumed-role/LandfallProvisioner/run-1", ""},
	} {
		if got := (&Engine{ReaderRoleName: tt.reader}).readerARN(tt.role); got != tt.want {
			t.Errorf("reader %q of %q = %q, want %q", tt.reader, tt.role, got, tt.want)
		}
	}
}
