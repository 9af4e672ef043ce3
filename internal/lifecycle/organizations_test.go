package lifecycle

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/lifecycle/samples"
)

const (
	moveSample   = "move-account.json"
	closeSample  = "close-account.json"
	removeSample = "remove-account-from-organization.json"
	failedSample = "move-account-failed.json"
)

// TestDecodeOrganizations pins the decoded samples in code, so that a
// careless -update of the golden files cannot bless a wrong decoding.
func TestDecodeOrganizations(t *testing.T) {
	const sso = "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AWSAdministratorAccess_0123456789abcdef/"
	tests := []struct {
		file string
		want OrganizationsEvent
	}{
		{moveSample, OrganizationsEvent{
			EventID:             "b8d2f4a6-1c3e-4f5a-8b7c-9d0e1f2a3b4c",
			EnvelopeID:          "6f3a0c1e-2b7d-4e55-9a41-0c8d2e7b5a10",
			EventName:           MoveAccount,
			AccountID:           "777777777777",
			SourceParentID:      "ou-ab12-s4ndb0x1",
			DestinationParentID: "ou-ab12-pr0dw0rk",
			EventTime:           time.Date(2024, 5, 14, 9, 21, 7, 0, time.UTC),
			ManagementAccount:   "111111111111",
			Region:              "us-east-1",
			Caller:              sso + "jane.doe@example.com",
		}},
		{closeSample, OrganizationsEvent{
			EventID:           "2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3c5e04",
			EnvelopeID:        "4b8e2d6f-0a1c-4e3b-9d5f-7a2c4e6b8d01",
			EventName:         CloseAccount,
			AccountID:         "333333333333",
			EventTime:         time.Date(2024, 6, 3, 15, 2, 44, 0, time.UTC),
			ManagementAccount: "111111111111",
			Region:            "us-east-1",
			Caller:            "arn:aws:sts::111111111111:assumed-role/AccountDecommission/account-decommission",
		}},
		{removeSample, OrganizationsEvent{
			EventID:           "f7b9d1e3-5a6c-4e8f-9a0b-1c2d3e4f5a07",
			EnvelopeID:        "e5a7c9b1-3d5f-4a7c-8e0b-2d4f6a8c0e15",
			EventName:         RemoveAccountFromOrganization,
			AccountID:         "624281831893",
			EventTime:         time.Date(2024, 6, 10, 11, 37, 9, 0, time.UTC),
			ManagementAccount: "111111111111",
			Region:            "us-east-1",
			Caller:            sso + "sam.roe@example.com",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev, err := Decode(samples.Event(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := ev.(*OrganizationsEvent)
			if !ok {
				t.Fatalf("Decode returned %T, want *OrganizationsEvent", ev)
			}
			if *got != tt.want {
				t.Errorf("Decode:\ngot  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

// TestDecodeOrganizationsFailedCall: a call with errorCode changed nothing;
// it is ignored, saying why, whatever its parameters hold.
func TestDecodeOrganizationsFailedCall(t *testing.T) {
	ev, err := Decode(samples.Event(failedSample))
	if err != nil {
		t.Fatal(err)
	}
	ig, ok := ev.(*IgnoredEvent)
	if !ok {
		t.Fatalf("Decode returned %T, want *IgnoredEvent", ev)
	}
	want := &IgnoredEvent{
		EventID:   "d1e3f5a7-9b2c-4d6e-8f0a-2b4c6d8e0f13",
		EventName: MoveAccount,
		Reason: "the MoveAccount call failed with DuplicateAccountException (That account is already present in the specified destination.): " +
			"nothing changed in the organization; Landfall acts only on calls that succeeded",
	}
	if *ig != *want {
		t.Errorf("Decode:\ngot  %+v\nwant %+v", *ig, *want)
	}

	for name, edit := range map[string]func(map[string]any){
		// A malformed ID is one reason a call fails.
		"malformed parameters": func(m map[string]any) {
			set(m, "detail.errorCode", "InvalidInputException")
			set(m, "detail.requestParameters", map[string]any{"accountId": "12", "destinationParentId": "Prod"})
		},
		"no parameters": func(m map[string]any) { del(m, "detail.requestParameters") },
		"message over lines": func(m map[string]any) {
			set(m, "detail.errorMessage", "first line\n\tsecond line "+strings.Repeat("x", 2*maxErrorMessageLen))
		},
		"no message": func(m map[string]any) { del(m, "detail.errorMessage") },
	} {
		t.Run(name, func(t *testing.T) {
			ev, err := Decode(mutate(t, failedSample, edit))
			if err != nil {
				t.Fatal(err)
			}
			ig, ok := ev.(*IgnoredEvent)
			if !ok {
				t.Fatalf("Decode returned %T, want *IgnoredEvent", ev)
			}
			if !strings.HasPrefix(ig.Reason, "the MoveAccount call failed with ") || !strings.HasSuffix(ig.Reason, "Landfall acts only on calls that succeeded") {
				t.Errorf("Reason = %q", ig.Reason)
			}
			if textProblem(ig.Reason, 0, false) != "" || len(ig.Reason) > maxErrorMessageLen+200 {
				t.Errorf("Reason is not one clean, bounded line: %q", ig.Reason)
			}
		})
	}
}

// TestDecodeOrganizationsIgnored: Organizations calls other than the three
// are ignored with a reason naming what Landfall acts on.
func TestDecodeOrganizationsIgnored(t *testing.T) {
	ev, err := Decode(samples.Event("create-account.json"))
	if err != nil {
		t.Fatal(err)
	}
	ig, ok := ev.(*IgnoredEvent)
	if !ok || ig.EventName != "CreateAccount" || ig.EventID != "0e2a4c6e-8b0d-4f2b-9d4f-6b8d0f2b4d21" ||
		!strings.Contains(ig.Reason, "CreateManagedAccount") {
		t.Errorf("Decode = %#v, want CreateAccount ignored, pointing at CreateManagedAccount", ev)
	}
	for _, name := range []string{"TagResource", "CreateOrganizationalUnit", "AttachPolicy", "InviteAccountToOrganization", "moveaccount"} {
		t.Run(name, func(t *testing.T) {
			raw := mutate(t, moveSample, func(m map[string]any) {
				set(m, "detail.eventName", name)
				set(m, "detail.requestParameters", map[string]any{"resourceId": "222222222222"})
			})
			ev, err := Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			ig, ok := ev.(*IgnoredEvent)
			if !ok {
				t.Fatalf("Decode returned %T, want *IgnoredEvent", ev)
			}
			if ig.EventName != name || !strings.Contains(ig.Reason, "Landfall acts only on MoveAccount, CloseAccount and RemoveAccountFromOrganization") {
				t.Errorf("Decode = %+v", ig)
			}
		})
	}
}

func TestDecodeOrganizationsExtraCloudTrailFields(t *testing.T) {
	checkExtraFieldsIgnored[OrganizationsEvent](t, moveSample, []map[string]any{
		{"detail.additionalEventData": map[string]any{"x": 1}},
		{"detail.requestParameters.somethingNew": true},
		{"detail.responseElements": map[string]any{"unexpected": []any{}}},
		{"detail.errorCode": nil},
		{"detail.errorCode": ""},
		{"detail.userIdentity.sessionContext": "changed shape"},
		{"detail.eventType": "AwsApiCall"},
		{"replay-name": "r1"},
	})
}

func TestDecodeOrganizationsFallbacks(t *testing.T) {
	t.Run("root parents", func(t *testing.T) {
		ev, err := Decode(mutate(t, moveSample, func(m map[string]any) {
			set(m, "detail.requestParameters.sourceParentId", "r-ab12")
		}))
		if err != nil {
			t.Fatal(err)
		}
		if got := ev.(*OrganizationsEvent).SourceParentID; got != "r-ab12" {
			t.Errorf("SourceParentID = %q, want the root", got)
		}
	})
	t.Run("no CloudTrail ID, region or time", func(t *testing.T) {
		ev, err := Decode(mutate(t, closeSample, func(m map[string]any) {
			del(m, "detail.eventID")
			del(m, "detail.eventTime")
			delete(m, "region")
		}))
		if err != nil {
			t.Fatal(err)
		}
		got := ev.(*OrganizationsEvent)
		if got.EventID != got.EnvelopeID || got.Region != "us-east-1" || !got.EventTime.Equal(time.Date(2024, 6, 3, 15, 2, 44, 0, time.UTC)) {
			t.Errorf("Decode = %+v, want the envelope's id and time and detail.awsRegion", got)
		}
	})
	t.Run("forwarded to the home region", func(t *testing.T) {
		// A cross-region event bus target delivers the event as it was:
		// the envelope still says us-east-1, and that is kept.
		ev, err := Decode(samples.Event(moveSample))
		if err != nil {
			t.Fatal(err)
		}
		if got := ev.(*OrganizationsEvent).Region; got != "us-east-1" {
			t.Errorf("Region = %q", got)
		}
		ev, err = Decode(mutate(t, moveSample, func(m map[string]any) { m["region"] = "eu-west-1" }))
		if err != nil {
			t.Fatal(err)
		}
		if got := ev.(*OrganizationsEvent).Region; got != "eu-west-1" {
			t.Errorf("Region = %q, want the envelope's, whatever it is", got)
		}
	})
	t.Run("caller", func(t *testing.T) {
		tests := []struct {
			name string
			edit func(map[string]any)
			want string
		}{
			{"service", func(m map[string]any) {
				set(m, "detail.userIdentity", map[string]any{"accountId": "111111111111", "invokedBy": "controltower.amazonaws.com"})
			}, "controltower.amazonaws.com"},
			{"none", func(m map[string]any) { del(m, "detail.userIdentity") }, ""},
			{"null", func(m map[string]any) { set(m, "detail.userIdentity", nil) }, ""},
			{"long", func(m map[string]any) {
				set(m, "detail.userIdentity.arn", "arn:aws:sts::111111111111:assumed-role/R/"+strings.Repeat("é", 600))
			}, ""},
		}
		for _, tt := range tests {
			ev, err := Decode(mutate(t, closeSample, tt.edit))
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			got := ev.(*OrganizationsEvent).Caller
			if tt.name == "long" {
				if len(got) > maxCallerLen || !utf8.ValidString(got) || !strings.HasSuffix(got, "[...]") {
					t.Errorf("%s: Caller = %q, want it clipped to %d bytes on a character boundary", tt.name, got, maxCallerLen)
				}
				continue
			}
			if got != tt.want {
				t.Errorf("%s: Caller = %q, want %q", tt.name, got, tt.want)
			}
		}
	})
}

const paramsPath = "detail.requestParameters"

func TestDecodeOrganizationsErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
		want string
	}{
		{"detail-type of Control Tower", mutate(t, moveSample, func(m map[string]any) { m["detail-type"] = "AWS Service Event via CloudTrail" }),
			`detail-type: is not an Organizations API call (got "AWS Service Event via CloudTrail"); Landfall acts on Organizations API calls, which have detail-type "AWS API Call via CloudTrail"; check the EventBridge rule's event pattern`},
		{"detail-type missing", mutate(t, moveSample, func(m map[string]any) { delete(m, "detail-type") }),
			`detail-type: missing; Landfall acts on Organizations API calls, which have detail-type "AWS API Call via CloudTrail"`},
		{"Control Tower source with this detail-type", mutate(t, moveSample, func(m map[string]any) { m["source"] = "aws.controltower" }),
			`detail-type: is not a Control Tower lifecycle event (got "AWS API Call via CloudTrail"); Control Tower lifecycle events have detail-type "AWS Service Event via CloudTrail"`},
		{"eventSource missing", mutate(t, moveSample, func(m map[string]any) { del(m, "detail.eventSource") }),
			`detail.eventSource: missing; Organizations events carry "organizations.amazonaws.com" there`},
		{"eventSource of another service", mutate(t, moveSample, func(m map[string]any) { set(m, "detail.eventSource", "account.amazonaws.com") }),
			`detail.eventSource: is not Organizations (got "account.amazonaws.com"); events with source aws.organizations carry "organizations.amazonaws.com" there; check the EventBridge rule's event pattern`},
		{"eventSource wrong on an ignored call", mutate(t, "create-account.json", func(m map[string]any) { set(m, "detail.eventSource", "x") }),
			`detail.eventSource: is not Organizations (got "x"); events with source aws.organizations carry "organizations.amazonaws.com" there; check the EventBridge rule's event pattern`},
		{"eventName missing", mutate(t, moveSample, func(m map[string]any) { del(m, "detail.eventName") }),
			`detail.eventName: missing; Organizations events name the API call there, such as MoveAccount`},
		{"eventName not a string", mutate(t, moveSample, func(m map[string]any) { set(m, "detail.eventName", 1) }),
			`detail.eventName: must be a JSON string, got number`},
		{"errorCode not a string", mutate(t, failedSample, func(m map[string]any) { set(m, "detail.errorCode", 400) }),
			`detail.errorCode: must be a JSON string, got number`},
		{"no event ID at all", mutate(t, closeSample, func(m map[string]any) { del(m, "detail.eventID"); delete(m, "id") }),
			`detail.eventID: missing, and the envelope has no id either; Landfall recognises redelivered events by this ID; keep the eventID of the original event`},
		{"envelope account malformed", mutate(t, closeSample, func(m map[string]any) { m["account"] = "1111" }),
			`account: is not a 12-digit account ID (got "1111"); EventBridge sets it to the management account's ID`},
		{"eventTime malformed", mutate(t, closeSample, func(m map[string]any) { set(m, "detail.eventTime", "Jun 3, 2024 3:02:44 PM") }),
			`detail.eventTime: is not a timestamp (got "Jun 3, 2024 3:02:44 PM"); use ISO 8601 with a zone, such as "2019-11-15T11:45:18+0000" or "2018-08-30T21:42:18Z"`},
		{"requestParameters missing", mutate(t, closeSample, func(m map[string]any) { del(m, paramsPath) }),
			paramsPath + `: missing; a successful CloseAccount call names the account there`},
		{"requestParameters null", mutate(t, removeSample, func(m map[string]any) { set(m, paramsPath, nil) }),
			paramsPath + `: missing; a successful RemoveAccountFromOrganization call names the account there`},
		{"requestParameters a string", mutate(t, closeSample, func(m map[string]any) { set(m, paramsPath, "333333333333") }),
			paramsPath + `: must be a JSON object, got string`},
		{"accountId missing", mutate(t, closeSample, func(m map[string]any) { del(m, paramsPath+".accountId") }),
			paramsPath + `.accountId: missing; a CloseAccount call names the 12-digit ID of the account it acts on`},
		{"accountId short", mutate(t, removeSample, func(m map[string]any) { set(m, paramsPath+".accountId", "62428183189") }),
			paramsPath + `.accountId: is not a 12-digit account ID (got "62428183189"); AWS account IDs are exactly 12 digits, such as "123456789012"`},
		{"accountId a number", mutate(t, closeSample, func(m map[string]any) { set(m, paramsPath+".accountId", 333333333333) }),
			paramsPath + `.accountId: must be a JSON string, got number`},
		{"move without destination", mutate(t, moveSample, func(m map[string]any) { del(m, paramsPath+".destinationParentId") }),
			paramsPath + `.destinationParentId: missing; a MoveAccount call names the OU or root where the account was moved to`},
		{"move from a name", mutate(t, moveSample, func(m map[string]any) { set(m, paramsPath+".sourceParentId", "Sandbox") }),
			paramsPath + `.sourceParentId: is not an OU or root ID (got "Sandbox"); OU IDs look like "ou-ab12-l3zc8b3h", root IDs like "r-ab12"`},
		{"userIdentity a string", mutate(t, closeSample, func(m map[string]any) { set(m, "detail.userIdentity", "root") }),
			`detail.userIdentity: must be a JSON object, got string`},
		{"caller with a control character", mutate(t, closeSample, func(m map[string]any) { set(m, "detail.userIdentity.arn", "arn:aws:iam::1:user/a\x1bb") }),
			`detail.userIdentity.arn: contains the control character U+001B at character 22 (got "arn:aws:iam::1:user/a\x1bb"); AWS writes printable text here; check where the event came from`},
		{"several problems at once", mutate(t, moveSample, func(m map[string]any) {
			set(m, "detail.eventSource", "")
			set(m, paramsPath+".accountId", "abc")
			del(m, paramsPath+".sourceParentId")
			set(m, paramsPath+".destinationParentId", "ou-x")
		}), strings.Join([]string{
			`detail.eventSource: missing; Organizations events carry "organizations.amazonaws.com" there`,
			paramsPath + `.accountId: is not a 12-digit account ID (got "abc"); AWS account IDs are exactly 12 digits, such as "123456789012"`,
			paramsPath + `.sourceParentId: missing; a MoveAccount call names the OU or root where the account was moved from`,
			paramsPath + `.destinationParentId: is not an OU or root ID (got "ou-x"); OU IDs look like "ou-ab12-l3zc8b3h", root IDs like "r-ab12"`,
		}, "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wantDecodeError(t, tt.raw, tt.want)
			for _, e := range leafErrors(err) {
				if _, ok := e.(*FieldError); !ok {
					t.Errorf("problem %T is not a *FieldError: %v", e, e)
				}
			}
		})
	}
}

func TestDecodeEnvelopeOrganizations(t *testing.T) {
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(samples.Event(moveSample), &ev); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeEnvelope(ev)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Decode(samples.Event(moveSample))
	if err != nil {
		t.Fatal(err)
	}
	if *got.(*OrganizationsEvent) != *want.(*OrganizationsEvent) {
		t.Errorf("DecodeEnvelope = %+v, Decode = %+v", got, want)
	}
}

// TestOrganizationsEventNamesAreWhatDecodeActsOn: the EventBridge rule
// selects OrganizationsEventNames, so an Organizations sample decodes to an
// OrganizationsEvent exactly when its eventName is one of them and the call
// succeeded.
func TestOrganizationsEventNamesAreWhatDecodeActsOn(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range samples.Names() {
		raw := samples.Event(name)
		var env struct {
			Source string `json:"source"`
			Detail struct {
				EventName string `json:"eventName"`
				ErrorCode string `json:"errorCode"`
			} `json:"detail"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if env.Source != OrganizationsSource {
			continue
		}
		ev, err := Decode(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_, isOrg := ev.(*OrganizationsEvent)
		acted := slices.Contains(OrganizationsEventNames(), env.Detail.EventName) && env.Detail.ErrorCode == ""
		if isOrg != acted {
			t.Errorf("%s: eventName %q (errorCode %q) decodes to %T", name, env.Detail.EventName, env.Detail.ErrorCode, ev)
		}
		if isOrg {
			seen[env.Detail.EventName] = true
		}
	}
	for _, n := range OrganizationsEventNames() {
		if !seen[n] {
			t.Errorf("no sample event is a successful %s", n)
		}
	}
}

func TestOrganizationsIgnoreReasonsDiffer(t *testing.T) {
	if organizationsIgnoreReason("CreateAccount") == organizationsIgnoreReason("TagResource") {
		t.Error("CreateAccount gets the generic reason: it should point at CreateManagedAccount")
	}
}

// checkOrganizationsEvent asserts the identity an accepted
// OrganizationsEvent promises.
func checkOrganizationsEvent(t *testing.T, o *OrganizationsEvent) {
	t.Helper()
	if !slices.Contains(OrganizationsEventNames(), o.EventName) || !awsid.IsAccountID(o.AccountID) || o.EventID == "" {
		t.Fatalf("accepted Organizations event with missing or invalid identity: %+v", o)
	}
	parent := func(id string) bool { return awsid.IsOUID(id) || awsid.IsRootID(id) }
	moved := parent(o.SourceParentID) && parent(o.DestinationParentID)
	if (o.EventName == MoveAccount) != moved || o.EventName != MoveAccount && (o.SourceParentID != "" || o.DestinationParentID != "") {
		t.Fatalf("parents %q -> %q on a %s event", o.SourceParentID, o.DestinationParentID, o.EventName)
	}
	if len(o.Caller) > maxCallerLen {
		t.Fatalf("caller of %d bytes", len(o.Caller))
	}
}

// TestFamilyErrorsAreFieldErrors: every envelope refusal names its field.
func TestFamilyErrorsAreFieldErrors(t *testing.T) {
	for _, ev := range []events.EventBridgeEvent{
		{}, {Source: "aws.ec2"}, {Source: Source}, {Source: OrganizationsSource},
		{Source: Source, DetailType: CloudTrailAPICall}, {Source: OrganizationsSource, DetailType: DetailType},
	} {
		_, err := familyOf(ev)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field == "" {
			t.Errorf("familyOf(%q, %q) = %v, want a field error", ev.Source, ev.DetailType, err)
		}
	}
}
