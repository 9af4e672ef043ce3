package gameday

import (
	"time"

	"github.com/landfall/landfall/internal/localaws/faults"
)

// catalogCalls are the Service Catalog calls a run makes over and over:
// AWS's account-wide limits throttle them together.
var catalogCalls = []string{
	"ProvisionProduct", "UpdateProvisionedProduct", "DescribeRecord", "DescribeProduct", "DescribeProvisionedProduct",
	"DescribeProductAsAdmin", "DescribePortfolio", "SearchProducts", "SearchProductsAsAdmin", "SearchProvisionedProducts",
	"ListLaunchPaths", "ListProvisioningArtifacts", "ListAcceptedPortfolioShares", "ListPortfoliosForProduct",
}

// fleetSize is how many accounts the fleet scenario adds.
const fleetSize = 300

// Scenarios returns the game day's scenarios, in table order.
func Scenarios() []Scenario {
	one := []Step{Event(Create, lifeCycle1, 1)}
	three := []Step{Together(Event(Create, lifeCycle1, 1), Event(Create, lifeCycle2, 1), Event(Create, lifeCycle3, 1))}
	return []Scenario{
		{
			Name:  "no faults (control)",
			Steps: one,
			Want:  Want{Succeeded: AllPlanned},
		},
		{
			Name:   "Service Catalog throttled, 2/s shared",
			Faults: []faults.Rule{{Service: "servicecatalog", Operations: catalogCalls, Throttle: &faults.Throttle{Rate: 2, Burst: 2, Shared: true}}},
			Steps:  three,
			Want:   Want{Succeeded: AllPlanned, Errors: []string{"ThrottlingException"}},
		},
		{
			Name: "30% 5xx on Service Catalog and STS",
			Faults: []faults.Rule{
				{Service: "servicecatalog", ErrorRate: 0.3, Error: faults.ErrServiceUnavailable, Seed: 42},
				{Service: "sts", ErrorRate: 0.3, Seed: 43},
			},
			Steps: three,
			Want:  Want{Succeeded: AllPlanned, Errors: []string{faults.ErrServiceUnavailable, faults.ErrInternalFailure}},
		},
		{
			Name:   "Service Catalog answers lost (call took effect)",
			Faults: []faults.Rule{{Service: "servicecatalog", Operations: []string{"ProvisionProduct", "AcceptPortfolioShare", "AssociatePrincipalWithPortfolio"}, LoseResponseRate: 0.5, Seed: 7}},
			Steps:  one,
			Want:   Want{Succeeded: AllPlanned, Errors: []string{faults.ErrInternalFailure}},
		},
		{
			Name:   "role not assumable for 60 s",
			Faults: []faults.Rule{{Account: lifeCycle1, AssumeRoleDeniedFor: time.Minute}},
			Steps:  one,
			Want:   Want{Succeeded: AllPlanned, Errors: []string{"AccessDenied"}},
		},
		{
			// Past the worker's 30-minute role deadline: every target
			// FAILED, told once, truthfully.
			Name:   "role not assumable for 45 min",
			Faults: []faults.Rule{{Account: lifeCycle1, AssumeRoleDeniedFor: 45 * time.Minute}},
			Steps:  one,
			Want:   Want{Succeeded: 0, Errors: []string{"AccessDenied"}},
		},
		{
			Name:   "share invisible for 30 s",
			Faults: []faults.Rule{{Account: lifeCycle1, ShareInvisibleFor: 30 * time.Second}},
			Steps:  one,
			Want:   Want{Succeeded: AllPlanned},
		},
		{
			Name:   "share invisible for 40 min",
			Faults: []faults.Rule{{Account: lifeCycle1, ShareInvisibleFor: 40 * time.Minute}},
			Steps:  one,
			Want:   Want{Succeeded: 0},
		},
		{
			// baseline-vpc fails in us-west-2 (ERROR; security-audit there
			// is SKIPPED), then a plan moving security-audit to 2025.01
			// meets a failing update in us-east-1 (TAINTED).
			Name: "FAILED, TAINTED and dependent SKIPPED",
			Plan: auditPinned,
			World: worlds(
				failing("pa-uw2basevpc20", lifeCycle1, "The maximum number of VPCs has been reached."),
				failing("pa-ue1secaud2501", lifeCycle1, "Trail landfall-audit already exists."),
			),
			Steps: []Step{Event(Create, lifeCycle1, 1), Drain(), Replan(nil), Event(Update, lifeCycle1, 2)},
			Want:  Want{Succeeded: 7},
		},
		{
			// A 30-minute record under a 10-minute maxRunAge: TIMED_OUT
			// with its record named, and the dependent never started.
			Name:  "record outlives maxRunAge",
			Plan:  maxRunAge("10m"),
			World: slow("pa-uw2basevpc20", lifeCycle1, 30*time.Minute),
			Steps: one,
			Want:  Want{Succeeded: 4},
		},
		{
			Name:  "continuation send fails",
			Steps: []Step{Event(Create, lifeCycle1, 1), SetFaults(faults.Rule{Service: "sqs", Operation: "SendMessage", ErrorRate: 1, Until: 20 * time.Minute}), Drain()},
			Want:  Want{Succeeded: AllPlanned, Errors: []string{faults.ErrInternalFailure}, Redelivered: true},
		},
		{
			Name:   "lost delete: SQS delivers again",
			Faults: []faults.Rule{{Service: "sqs", Operation: "DeleteMessage", ErrorRate: 1, Until: 10 * time.Minute}},
			Steps:  one,
			Want:   Want{Succeeded: AllPlanned, Errors: []string{faults.ErrInternalFailure}, Redelivered: true},
		},
		{
			Name:   "SQS duplicate delivery (50%)",
			Faults: []faults.Rule{{Service: "sqs", Operation: "ReceiveMessage", DuplicateRate: 0.5, Seed: 5}},
			Steps:  three,
			Want:   Want{Succeeded: AllPlanned, Redelivered: true},
		},
		{
			// Twice before the run is drained, once after it finished.
			Name:  "same event 3 times in a row",
			Steps: []Step{Event(Create, lifeCycle1, 1), Event(Create, lifeCycle1, 1), Drain(), Event(Create, lifeCycle1, 1)},
			Want:  Want{Succeeded: AllPlanned},
		},
		{
			Name:  "same event 3 times at once",
			Steps: []Step{Together(Event(Create, lifeCycle1, 1), Event(Create, lifeCycle1, 1), Event(Create, lifeCycle1, 1))},
			Want:  Want{Succeeded: AllPlanned},
		},
		{
			// The update run finds everything in place: quiet by the plan.
			Name:  "create, then update of the same account",
			Steps: []Step{Event(Create, lifeCycle1, 1), Drain(), Event(Update, lifeCycle1, 2)},
			Want:  Want{Succeeded: AllPlanned},
		},
		{
			Name:  "create and update of the same account at once",
			Steps: []Step{Together(Event(Create, lifeCycle1, 1), Event(Update, lifeCycle1, 2))},
			Want:  Want{Succeeded: AllPlanned},
		},
		{
			// After the first step: baseline-vpc's records are running
			// (CANCELLED, the record named: it may still finish), and
			// security-audit never started.
			Name:  "operator cancels a run midway",
			Steps: []Step{Event(Create, lifeCycle1, 1), Deliver(), Manual(`{"cancel": "` + runID(Create, lifeCycle1, 1) + `", "requestedBy": "game day"}`)},
			Want:  Want{Succeeded: 0},
		},
		{
			// The CloseAccount event stops the run at its next step:
			// what is left is CANCELLED, and its one summary says why.
			Name:  "account closed midway",
			Steps: []Step{Event(Create, lifeCycle1, 1), Deliver(), CloseAccount(lifeCycle1)},
			Want:  Want{Succeeded: 0},
		},
		{
			Name:  "account moved to another OU",
			Steps: []Step{MoveAccount(lifeCycle1, customOU, sandboxOU)},
			Want:  Want{Succeeded: AllPlanned},
		},
		{
			// SNS standard topics do not deduplicate: a publish that took
			// effect but whose answer was lost is retried, and the run's
			// story goes out again (the window ledger/summary.go names).
			Name:         "SNS answer lost (publish took effect)",
			Faults:       []faults.Rule{{Service: "sns", Operation: "Publish", LoseResponseRate: 0.5, Seed: 3}},
			Steps:        one,
			Want:         Want{Succeeded: AllPlanned, Errors: []string{faults.ErrInternalFailure}},
			KnownFailure: "SNS standard topics do not deduplicate; subscribers that must be exact drop repeats by landfall.run",
		},
		{
			// Down from minute 5 to minute 15: the run finishes at minute 10.
			Name:   "SNS down for 10 min",
			Faults: []faults.Rule{{Service: "sns", Operation: "Publish", ErrorRate: 1, Error: faults.ErrServiceUnavailable, From: 5 * time.Minute, Until: 15 * time.Minute}},
			Steps:  one,
			Want:   Want{Succeeded: AllPlanned, Errors: []string{faults.ErrServiceUnavailable}},
		},
		{
			// The summary cannot go out: the run waits in the DLQ, alarmed.
			Name:   "SNS down for good",
			Faults: []faults.Rule{{Service: "sns", Operation: "Publish", ErrorRate: 1, Error: faults.ErrServiceUnavailable}},
			Steps:  one,
			Want:   Want{Succeeded: 0, Parked: 1, Errors: []string{faults.ErrServiceUnavailable}},
		},
		{
			// Lambda's retry a minute later gets through.
			Name:   "work-queue send fails in launch, then recovers",
			Faults: []faults.Rule{{Service: "sqs", Operation: "SendMessage", ErrorRate: 1, Until: 90 * time.Second}},
			Steps:  one,
			Want:   Want{Succeeded: AllPlanned, Errors: []string{faults.ErrInternalFailure}},
		},
		{
			// Every attempt fails: the event waits in the launch
			// function's on-failure queue, alarmed.
			Name:  "work queue refuses launch's sends",
			Steps: []Step{DenyWorkQueueSends(), Event(Create, lifeCycle1, 1), AllowWorkQueueSends()},
			Want:  Want{Succeeded: 0, Parked: 1},
		},
		{
			// us-west-1 stands in for an opt-in region the account has not enabled.
			Name:  "opt-in region disabled",
			World: regionDisabled(lifeCycle1, "us-west-1"),
			Steps: one,
			Want:  Want{Succeeded: 4},
		},
		{
			// enableOptInRegions: the worker enables ap-east-1 for the
			// account (optin.go) and waits through continuations, while
			// the Account Management API fails half its calls.
			Name:   "opt-in region enabled by Landfall",
			Plan:   optInPlan,
			World:  worlds(catalogIn(optInRegion, "ae1"), regionDisabled(lifeCycle1, optInRegion)),
			Faults: []faults.Rule{{Service: "account", ErrorRate: 0.5, Error: faults.ErrServiceUnavailable, Seed: 3}},
			Steps:  one,
			Want:   Want{Succeeded: AllPlanned, Errors: []string{faults.ErrServiceUnavailable}},
		},
		{
			Name:   "300 accounts backfilled, mild throttle",
			World:  fleet(fleetSize),
			Faults: []faults.Rule{{Service: "servicecatalog", Throttle: &faults.Throttle{Rate: 5, Burst: 10}}, {Service: "organizations", Throttle: &faults.Throttle{Rate: 10, Burst: 20}}},
			Steps:  []Step{Manual(`{"all": true}`)},
			Want:   Want{Succeeded: AllPlanned},
		},
		{
			// A backfill tells its story in one roll-up, even when SQS
			// delivers its messages twice and ledger answers are lost:
			// three accounts fail for one cause, the rest succeed.
			Name: "backfill roll-up, SQS duplicates, ledger answers lost",
			World: worlds(fleet(24),
				failing("pa-ue1secaud2501", "400000000003", "Trail landfall-audit already exists."),
				failing("pa-ue1secaud2501", "400000000011", "Trail landfall-audit already exists."),
				failing("pa-ue1secaud2501", "400000000017", "Trail landfall-audit already exists."),
			),
			Faults: []faults.Rule{
				{Service: "sqs", Operation: "ReceiveMessage", DuplicateRate: 0.5, Seed: 5},
				{Service: "dynamodb", Operations: []string{"UpdateItem"}, LoseResponseRate: 0.2, Seed: 13},
			},
			Steps: []Step{Manual(`{"ous": ["` + fleetOU + `"]}`)},
			Want:  Want{Succeeded: 24*6 - 3, Errors: []string{"InternalServerError"}},
		},
		{
			Name:   "ledger throttled",
			Faults: []faults.Rule{{Service: "dynamodb", Operations: []string{"GetItem", "PutItem", "UpdateItem", "Query"}, Throttle: &faults.Throttle{Rate: 1, Burst: 2, Shared: true}}},
			Steps:  three,
			Want:   Want{Succeeded: AllPlanned, Errors: []string{"ProvisionedThroughputExceededException"}},
		},
		{
			// A ledger write takes effect and its answer is lost: the
			// SDK's retry meets its own write. One account and one worker
			// at a time, so the draws fall on the same writes every time.
			Name:     "ledger answers lost (write took effect)",
			Faults:   []faults.Rule{{Service: "dynamodb", Operations: []string{"PutItem", "UpdateItem"}, LoseResponseRate: 0.3, Seed: 11}},
			Steps:    one,
			Parallel: 1,
			Want:     Want{Succeeded: AllPlanned, Errors: []string{"InternalServerError"}},
		},
		{
			// Fails closed: the run queued before the outage waits in the
			// work queue's DLQ, the event after it in the launch
			// function's on-failure queue; nothing runs.
			Name: "ledger unavailable for good",
			Steps: []Step{
				Event(Create, lifeCycle1, 1),
				SetFaults(faults.Rule{Service: "dynamodb", ErrorRate: 1}),
				Event(Create, lifeCycle2, 1),
			},
			Want: Want{Succeeded: 0, Parked: 2, Errors: []string{"InternalServerError"}},
		},
	}
}
