package provision

import (
	"github.com/landfall/landfall/internal/runstate"
)

// raceCases: races with another run (a duplicate event).
var raceCases = []stepCase{
	{
		name: "name clash on ProvisionProduct: the other run's product is adopted",
		replies: []reply{
			fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated, ret(described(vpc)),
			fails(opProvision, apiErr("InvalidParametersException", "A stack named landfall-baseline-vpc already exists.")),
			ret(existingPP(vpc, "UNDER_CHANGE", "pa-2", "rec-other", "")),
		},
		calls: []string{dppCall(vpc), acceptCall(ue1), associateCall(ue1), productCall(vpc),
			launchCall(ue1, vpc, "pa-2", "", portfolios[ue1]), dppCall(vpc)},
		want:       v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-other", ProvisionedProductID: "pp-1"}),
		noteHas:    "adopted a change already in progress",
		wantOpened: true,
	},
	{
		name:   "duplicate name, the other run already finished: already provisioned",
		opened: true,
		replies: []reply{
			fails(opDescribePP, ppNotFound), ret(described(vpc)),
			fails(opProvision, apiErr("DuplicateResourceException", "landfall-baseline-vpc exists")),
			ret(existingPP(vpc, "AVAILABLE", "pa-2", "rec-other", "rec-other")),
		},
		calls:      []string{dppCall(vpc), productCall(vpc), launchCall(ue1, vpc, "pa-2", "", portfolios[ue1]), dppCall(vpc)},
		want:       v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.AlreadyProvisioned, RecordID: "rec-other", ProvisionedProductID: "pp-1"}),
		wantOpened: true,
	},
	{
		name:  "update refused as UNDER_CHANGE: the concurrent change is adopted",
		start: pendingTarget(ue1, audit),
		replies: []reply{
			ret(existingPP(audit, "AVAILABLE", "pa-1", "rec-0", "rec-0")), ret(described(audit)),
			fails(opUpdate, busy),
			ret(existingPP(audit, "UNDER_CHANGE", "pa-1", "rec-other", "rec-0")),
		},
		calls:   []string{dppCall(audit), productCall(audit), updateCall(ue1, audit, "pa-2"), dppCall(audit)},
		want:    v2(runstate.Target{Region: ue1, Product: audit, Status: runstate.InProgress, RecordID: "rec-other", ProvisionedProductID: "pp-1"}),
		noteHas: "adopted a change another run started first",
	},
	{
		name:  "update refused for another reason: failed with AWS's message",
		start: pendingTarget(ue1, audit),
		replies: []reply{
			ret(existingPP(audit, "AVAILABLE", "pa-1", "rec-0", "rec-0")), ret(described(audit)),
			fails(opUpdate, apiErr("InvalidParametersException", "Parameter RetentionDays must be one of 30, 90")),
			ret(existingPP(audit, "AVAILABLE", "pa-1", "rec-0", "rec-0")),
		},
		calls:    []string{dppCall(audit), productCall(audit), updateCall(ue1, audit, "pa-2"), dppCall(audit)},
		want:     v2(runstate.Target{Region: ue1, Product: audit, Status: runstate.Failed, ProvisionedProductID: "pp-1"}),
		errorHas: "update landfall-security-audit: InvalidParametersException: Parameter RetentionDays must be one of 30, 90",
	},
	{
		name:    "termination refused as UNDER_CHANGE: the concurrent change is adopted",
		trigger: runstate.TriggerManual,
		replies: []reply{
			ret(existingPP(vpc, "ERROR", "pa-2", "rec-1", "")), ret(described(vpc)),
			fails(opTerminate, busy),
			ret(existingPP(vpc, "UNDER_CHANGE", "pa-2", "rec-other", "")),
		},
		calls:   []string{dppCall(vpc), productCall(vpc), terminateCall(ue1, vpc), dppCall(vpc)},
		want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-other", ProvisionedProductID: "pp-1"}),
		noteHas: "adopted a change another run started first",
	},
}

// errorCases: errors.
var errorCases = []stepCase{
	{
		// AWS refuses a malformed identifier at once; it is not propagation.
		name:       "malformed product ID: failed in the first step with AWS's validation error, no waiting",
		opened:     true,
		replies:    []reply{fails(opDescribePP, ppNotFound), fails(opProduct, apiErr("ValidationException", "1 validation error detected: Value 'prod-vpc' at 'id' failed to satisfy constraint"))},
		calls:      []string{dppCall(vpc), productCall(vpc)},
		want:       runstate.Target{Region: ue1, Product: vpc, Status: runstate.Failed},
		errorHas:   "find product baseline-vpc in portfolio port-ue1baseline0: ValidationException: 1 validation error detected",
		wantOpened: true,
	},
	{
		name:    "throttled look-up: stays pending, retrying",
		replies: []reply{fails(opDescribePP, throttled)},
		calls:   []string{dppCall(vpc)},
		want:    inUE1(vpc, runstate.Pending),
		noteHas: "retrying: look up provisioned product landfall-baseline-vpc: ThrottlingException: Rate exceeded",
	},
	{
		name:    "throttled launch: stays pending, retrying, nothing waited for",
		opened:  true,
		replies: []reply{fails(opDescribePP, ppNotFound), ret(described(vpc)), fails(opProvision, throttled)},
		calls:   []string{dppCall(vpc), productCall(vpc), launchCall(ue1, vpc, "pa-2", "", portfolios[ue1])},
		want:    v2(inUE1(vpc, runstate.Pending)),
		noteHas: "retrying: provision landfall-baseline-vpc: ThrottlingException: Rate exceeded",
		// Throttling is no propagation wait: Waits stays 0.
		wantOpened: true,
	},
	{
		name:     "region unusable (UnrecognizedClientException): failed naming the region",
		start:    pendingTarget(uw1, vpc),
		replies:  []reply{fails(opDescribePP, apiErr("UnrecognizedClientException", "The security token included in the request is invalid."))},
		calls:    []string{dppCall(vpc)},
		want:     runstate.Target{Region: uw1, Product: vpc, Status: runstate.Failed},
		errorHas: "look up provisioned product landfall-baseline-vpc: region us-west-1 is not usable by account 222222222222 (UnrecognizedClientException: The security token included in the request is invalid.); enable the opt-in region for the account or remove it from the plan",
	},
	{
		name:  "region unusable (OptInRequired) on associate: failed naming the region",
		start: pendingTarget(uw1, vpc),
		replies: []reply{
			fails(opDescribePP, ppNotFound),
			fails(opAccept, apiErr("OptInRequired", "The account is not opted in to us-west-1.")),
			fails(opAssociate, apiErr("OptInRequired", "The account is not opted in to us-west-1.")),
		},
		calls:    []string{dppCall(vpc), acceptCall(uw1), associateCall(uw1)},
		want:     runstate.Target{Region: uw1, Product: vpc, Status: runstate.Failed},
		errorHas: "associate role with portfolio port-uw1baseline0: region us-west-1 is not usable by account 222222222222 (OptInRequired: The account is not opted in to us-west-1.)",
	},
}
