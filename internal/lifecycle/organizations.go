package lifecycle

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/landfall/landfall/internal/awsid"
)

// Envelope values of the AWS Organizations events Landfall acts on: API
// calls that CloudTrail records and EventBridge delivers. Organizations is
// a global service, so they reach EventBridge only in us-east-1, on the
// management account's default bus (a stack there forwards them to the
// Control Tower home region when that is another region).
const (
	OrganizationsSource = "aws.organizations"
	CloudTrailAPICall   = "AWS API Call via CloudTrail"
	// OrganizationsEventSource is detail.eventSource of every Organizations
	// call; an aws.organizations event with another one did not come from
	// Organizations.
	OrganizationsEventSource = "organizations.amazonaws.com"
)

// Names of the Organizations calls Landfall acts on.
const (
	MoveAccount                   = "MoveAccount"
	CloseAccount                  = "CloseAccount"
	RemoveAccountFromOrganization = "RemoveAccountFromOrganization"
)

// OrganizationsEventNames returns the names of the Organizations calls
// Decode turns into an [OrganizationsEvent]: what an EventBridge rule must
// select for Landfall.
func OrganizationsEventNames() []string {
	return []string{MoveAccount, CloseAccount, RemoveAccountFromOrganization}
}

// OrganizationsEvent is a successful MoveAccount, CloseAccount or
// RemoveAccountFromOrganization call, as CloudTrail recorded it.
//
// AccountID is always set and valid. For MoveAccount, SourceParentID and
// DestinationParentID are set and valid too; for the other two they are
// empty.
type OrganizationsEvent struct {
	// EventID identifies the event for deduplication: the CloudTrail
	// eventID when present, else the EventBridge envelope id.
	EventID string `json:"eventId"`
	// EnvelopeID is the EventBridge event id.
	EnvelopeID string `json:"envelopeId,omitempty"`
	// EventName is MoveAccount, CloseAccount or RemoveAccountFromOrganization.
	EventName string `json:"eventName"`
	// AccountID is the account the call moved, closed or removed
	// (requestParameters.accountId).
	AccountID string `json:"accountId"`
	// SourceParentID and DestinationParentID are where a MoveAccount call
	// moved the account from and to: an OU ("ou-…") or the root ("r-…").
	SourceParentID      string `json:"sourceParentId,omitempty"`
	DestinationParentID string `json:"destinationParentId,omitempty"`
	// EventTime is the CloudTrail event time, else the envelope time.
	EventTime time.Time `json:"eventTime,omitzero"`
	// ManagementAccount is the account whose bus delivered the event.
	ManagementAccount string `json:"managementAccount,omitempty"`
	// Region is the envelope's region as it came: us-east-1, where
	// Organizations events are delivered, also when a rule there forwarded
	// the event to the home region's bus.
	Region string `json:"region,omitempty"`
	// Caller is who made the call (userIdentity.arn, else
	// userIdentity.invokedBy), for reports; clipped to maxCallerLen bytes.
	Caller string `json:"caller,omitempty"`
}

func (*OrganizationsEvent) isEvent() {}

// maxCallerLen bounds Caller, which is commentary in a report, not
// identity: an ARN can be 2048 characters, more than a notification needs.
const maxCallerLen = 512

// maxErrorMessageLen bounds the part of a failed call's errorMessage that an
// IgnoredEvent's reason repeats.
const maxErrorMessageLen = 512

// handledSources is the fix for an envelope whose source Landfall does not
// handle. It starts as it did when Landfall handled Control Tower events
// alone, so that readers matching on it still do.
const handledSources = "Landfall only handles " + Source + " events and " + OrganizationsSource + " account events"

// eventFamily is who sent an event, as its envelope's source and
// detail-type say.
type eventFamily int

const (
	controlTowerEvent eventFamily = iota + 1
	organizationsEvent
)

// familyOf checks that the envelope's source and detail-type are a pair
// Landfall handles: Control Tower's lifecycle events, or Organizations API
// calls. A detail-type of the other family is refused naming the one that
// goes with the source: it means the rule or a hand-made event is wrong.
func familyOf(ev events.EventBridgeEvent) (eventFamily, error) {
	const checkRule = "; check the EventBridge rule's event pattern"
	switch ev.Source {
	case "":
		return 0, &FieldError{Field: "source", Problem: "missing", Fix: handledSources}
	case Source:
		fix := `Control Tower lifecycle events have detail-type "` + DetailType + `"`
		switch ev.DetailType {
		case DetailType:
			return controlTowerEvent, nil
		case "":
			return 0, &FieldError{Field: "detail-type", Problem: "missing", Fix: fix}
		default:
			return 0, &FieldError{Field: "detail-type", Value: ev.DetailType, Problem: "is not a Control Tower lifecycle event", Fix: fix}
		}
	case OrganizationsSource:
		fix := `Landfall acts on Organizations API calls, which have detail-type "` + CloudTrailAPICall + `"`
		switch ev.DetailType {
		case CloudTrailAPICall:
			return organizationsEvent, nil
		case "":
			return 0, &FieldError{Field: "detail-type", Problem: "missing", Fix: fix}
		default:
			return 0, &FieldError{Field: "detail-type", Value: ev.DetailType, Problem: "is not an Organizations API call", Fix: fix + checkRule}
		}
	default:
		return 0, &FieldError{
			Field: "source", Value: ev.Source, Problem: "is not a Control Tower event or an Organizations account event",
			Fix: handledSources + checkRule,
		}
	}
}

// decodeOrganizations decodes the detail of an aws.organizations event;
// problems are those the envelope already has.
func decodeOrganizations(ev events.EventBridgeEvent, det map[string]json.RawMessage, problems []error) (Event, error) {
	source, err := textField(det, "eventSource", "detail", maxIDLen, false)
	problems = appendErr(problems, err)
	switch {
	case err != nil:
	case source == "":
		problems = append(problems, &FieldError{
			Field: "detail.eventSource", Problem: "missing",
			Fix: `Organizations events carry "` + OrganizationsEventSource + `" there`,
		})
	case source != OrganizationsEventSource:
		problems = append(problems, &FieldError{
			Field: "detail.eventSource", Value: source, Problem: "is not Organizations",
			Fix: `events with source ` + OrganizationsSource + ` carry "` + OrganizationsEventSource + `" there; check the EventBridge rule's event pattern`,
		})
	}
	eventName, err := textField(det, "eventName", "detail", maxIDLen, false)
	if err != nil {
		return nil, errors.Join(append(problems, err)...)
	}
	if eventName == "" {
		return nil, errors.Join(append(problems, &FieldError{
			Field: "detail.eventName", Problem: "missing",
			Fix: "Organizations events name the API call there, such as " + MoveAccount,
		})...)
	}
	cloudTrailID, idErr := textField(det, "eventID", "detail", maxIDLen, false)
	problems = appendErr(problems, idErr)
	eventID := cmp.Or(cloudTrailID, ev.ID)

	if !slices.Contains(OrganizationsEventNames(), eventName) {
		if len(problems) > 0 {
			return nil, errors.Join(problems...)
		}
		return &IgnoredEvent{EventID: eventID, EventName: eventName, Reason: organizationsIgnoreReason(eventName)}, nil
	}

	// A call that failed changed nothing: its parameters may be whatever
	// the caller sent (a malformed ID is one reason calls fail), so they
	// are not checked.
	errorCode, err := textField(det, "errorCode", "detail", maxIDLen, false)
	problems = appendErr(problems, err)
	errorMessage, err := textField(det, "errorMessage", "detail", 0, true)
	problems = appendErr(problems, err)
	if errorCode != "" {
		if len(problems) > 0 {
			return nil, errors.Join(problems...)
		}
		return &IgnoredEvent{EventID: eventID, EventName: eventName, Reason: failedCallReason(eventName, errorCode, errorMessage)}, nil
	}

	env, more := readEnvelope(ev, det, eventID, idErr)
	problems = append(problems, more...)
	out := &OrganizationsEvent{
		EventID:           eventID,
		EnvelopeID:        ev.ID,
		EventName:         eventName,
		ManagementAccount: env.managementAccount,
		Region:            env.region,
		EventTime:         env.eventTime,
	}
	caller, err := decodeCaller(det)
	problems = appendErr(problems, err)
	out.Caller = caller
	problems = append(problems, decodeRequestParameters(det, out)...)
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return out, nil
}

// decodeRequestParameters fills out's account and parents from the call's
// requestParameters and returns every problem found in them.
func decodeRequestParameters(det map[string]json.RawMessage, out *OrganizationsEvent) []error {
	const path = "detail.requestParameters"
	params, err := optionalObject(det, "requestParameters", "detail")
	if err != nil {
		return []error{err}
	}
	if params == nil {
		return []error{&FieldError{
			Field: path, Problem: "missing",
			Fix: "a successful " + out.EventName + " call names the account there",
		}}
	}
	var problems []error
	id, err := stringField(params, "accountId", path)
	problems = appendErr(problems, err)
	switch {
	case err != nil:
	case id == "":
		problems = append(problems, &FieldError{
			Field: path + ".accountId", Problem: "missing",
			Fix: "a " + out.EventName + " call names the 12-digit ID of the account it acts on",
		})
	case !awsid.IsAccountID(id):
		problems = append(problems, &FieldError{
			Field: path + ".accountId", Value: id, Problem: "is not a 12-digit account ID",
			Fix: "AWS account IDs are exactly 12 digits, such as \"123456789012\"",
		})
	}
	out.AccountID = id
	if out.EventName != MoveAccount {
		return problems
	}
	var e error
	out.SourceParentID, e = parentField(params, "sourceParentId", path, "where the account was moved from")
	problems = appendErr(problems, e)
	out.DestinationParentID, e = parentField(params, "destinationParentId", path, "where the account was moved to")
	return appendErr(problems, e)
}

// parentField reads a required root or OU ID of a MoveAccount call.
func parentField(m map[string]json.RawMessage, key, path, what string) (string, error) {
	id, err := stringField(m, key, path)
	switch {
	case err != nil:
		return "", err
	case id == "":
		return "", &FieldError{
			Field: path + "." + key, Problem: "missing",
			Fix: "a " + MoveAccount + " call names the OU or root " + what,
		}
	case !awsid.IsOUID(id) && !awsid.IsRootID(id):
		return "", &FieldError{
			Field: path + "." + key, Value: id, Problem: "is not an OU or root ID",
			Fix: `OU IDs look like "ou-ab12-l3zc8b3h", root IDs like "r-ab12"`,
		}
	}
	return id, nil
}

// decodeCaller returns who made the call, for reports: the ARN of the
// userIdentity, else the service that invoked the call. Both are optional.
func decodeCaller(det map[string]json.RawMessage) (string, error) {
	const path = "detail.userIdentity"
	who, err := optionalObject(det, "userIdentity", "detail")
	if err != nil || who == nil {
		return "", err
	}
	arn, err := textField(who, "arn", path, 0, false)
	if err != nil {
		return "", err
	}
	if arn == "" {
		if arn, err = textField(who, "invokedBy", path, 0, false); err != nil {
			return "", err
		}
	}
	return clipText(arn, maxCallerLen), nil
}

// failedCallReason explains an ignored failed call, for the log.
func failedCallReason(name, code, message string) string {
	reason := fmt.Sprintf("the %s call failed with %s", name, code)
	if message = strings.Join(strings.Fields(message), " "); message != "" {
		reason += " (" + clipText(message, maxErrorMessageLen) + ")"
	}
	return reason + ": nothing changed in the organization; Landfall acts only on calls that succeeded"
}

// organizationsIgnoreReason explains, for the log, why an Organizations
// call needs no action.
func organizationsIgnoreReason(name string) string {
	const tail = "; of Organizations calls Landfall acts only on " + MoveAccount + ", " + CloseAccount + " and " + RemoveAccountFromOrganization
	if name == "CreateAccount" {
		return "an account was requested from Organizations; Landfall acts when Control Tower enrolls it (" +
			CreateManagedAccount + ") or when it is moved into an OU" + tail
	}
	return "the call neither moves, closes nor removes an account" + tail
}
