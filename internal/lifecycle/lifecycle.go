// Package lifecycle turns AWS Control Tower lifecycle events and AWS
// Organizations account calls, as EventBridge delivers them, into Landfall's
// own types.
//
// Of Control Tower's events only CreateManagedAccount and
// UpdateManagedAccount matter to Landfall: AWS emits UpdateManagedAccount
// instead of CreateManagedAccount when it retries a failed enrollment or
// updates an account's provisioned product, so both become an
// [AccountEvent]. Of Organizations' calls, MoveAccount, CloseAccount and
// RemoveAccountFromOrganization become an [OrganizationsEvent]: an account
// that changes OU may need other products, and one that leaves needs none.
// Every other event (controls, baselines, OU registration, landing zone,
// other Organizations calls) and every Organizations call that failed
// becomes an [IgnoredEvent] with a reason, so the caller can log it and
// return without error: EventBridge would otherwise retry an event Landfall
// will never act on.
//
// Validation rules, and why:
//   - The envelope must say source "aws.controltower" with detail-type
//     "AWS Service Event via CloudTrail", or source "aws.organizations"
//     with detail-type "AWS API Call via CloudTrail": anything else,
//     including either detail-type with the other source, means the
//     EventBridge rule or a hand-made test event is wrong, and saying so
//     beats ignoring it. The error names the detail-type that goes with
//     the source.
//   - An Organizations event's detail.eventSource must be
//     "organizations.amazonaws.com", the service behind the source.
//   - An Organizations call with detail.errorCode set failed: nothing
//     changed, so it is ignored (the reason repeats the code and message)
//     without checking its parameters, which may be why it failed.
//   - A successful Organizations call must name a 12-digit
//     requestParameters.accountId; a MoveAccount also its sourceParentId and
//     destinationParentId, each an OU ID ("ou-…") or the root ID ("r-…").
//     The caller (userIdentity.arn, else invokedBy) is optional commentary
//     for reports: clean text, clipped to maxCallerLen bytes.
//   - A SUCCEEDED account event must name a 12-digit account ID, the account
//     name and the organizational unit the account was enrolled into. The OU
//     is required because the plan selects accounts by OU, and Control Tower
//     always reports it (accounts can only be enrolled into a registered OU);
//     an event without one did not come from Control Tower. The organization
//     root ID ("r-…") is accepted as well as "ou-…" IDs.
//   - A FAILED account event may lack the account block or parts of it (AWS
//     documents that accountId may be absent on failure); whatever is present
//     must still be well-formed, because it ends up in an operator's
//     notification and re-run instructions.
//   - Timestamps are accepted as "2019-11-15T11:45:18+0000" (Control Tower's
//     form), "2018-08-30T21:42:18Z" and RFC 3339 with colon offsets and
//     fractional seconds; they are converted to UTC. Missing timestamps are
//     left zero; malformed ones are errors.
//   - The envelope's account and region are informational: the account must
//     be 12 digits if present, the region is not checked against a list, so
//     that a region newer than Landfall's list cannot make it drop an event.
//     An Organizations event keeps the region it came with (us-east-1, where
//     Organizations delivers, also after a rule forwarded it to the home
//     region's bus).
//   - Unknown fields are ignored everywhere: CloudTrail adds fields over time.
//   - Every string read from an event must be text that a run, a log line
//     and a notification can carry: valid UTF-8 without noncharacters,
//     control characters or bidirectional controls, and no longer than AWS
//     writes it (the rules are in text.go). Anything else is an invalid
//     event naming the field, never a function error: retrying it could
//     only fail again.
//   - An object is read as an EventBridge event, not a manual payload, by
//     the rule of [IsEventBridgeEnvelope], so that an event missing its
//     source or detail-type is reported as such.
package lifecycle

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/fielderror"
	"github.com/landfall/landfall/internal/manual"
)

// Source and DetailType are the EventBridge envelope values of every Control
// Tower lifecycle event.
const (
	Source     = "aws.controltower"
	DetailType = "AWS Service Event via CloudTrail"
)

// Event names of the account lifecycle events Landfall acts on.
const (
	CreateManagedAccount = "CreateManagedAccount"
	UpdateManagedAccount = "UpdateManagedAccount"
)

// AccountEventNames returns the names of the events Decode turns into an
// [AccountEvent]: what an EventBridge rule must select for Landfall.
func AccountEventNames() []string {
	return []string{CreateManagedAccount, UpdateManagedAccount}
}

// State is the outcome Control Tower reports for an account operation.
type State string

// The two states an account lifecycle event can carry: Control Tower emits
// the event only once every sub-step has finished.
const (
	StateSucceeded State = "SUCCEEDED"
	StateFailed    State = "FAILED"
)

// Event is the result of decoding: *AccountEvent, *OrganizationsEvent or
// *IgnoredEvent.
type Event interface {
	isEvent()
}

// AccountEvent is a CreateManagedAccount or UpdateManagedAccount event.
//
// When State is StateSucceeded, AccountID, AccountName and OUID are set and
// valid. When it is StateFailed, any of the account and OU fields may be empty.
type AccountEvent struct {
	// EventID identifies the event for deduplication: the CloudTrail
	// eventID when present (it survives a duplicate on the CloudTrail to
	// EventBridge path), else the EventBridge envelope id.
	EventID string `json:"eventId"`
	// EnvelopeID is the EventBridge event id, which stays the same across
	// EventBridge and Lambda redeliveries of one event.
	EnvelopeID string `json:"envelopeId,omitempty"`
	// EventName is CreateManagedAccount or UpdateManagedAccount.
	EventName string `json:"eventName"`
	// State is the outcome; act on StateSucceeded, notify on StateFailed.
	State State `json:"state"`
	// Message is Control Tower's human-readable description of the outcome.
	Message string `json:"message,omitempty"`

	AccountID   string `json:"accountId,omitempty"`
	AccountName string `json:"accountName,omitempty"`
	// OUID is the organizational unit ("ou-…", or the root "r-…").
	OUID   string `json:"ouId,omitempty"`
	OUName string `json:"ouName,omitempty"`

	// RequestedAt and CompletedAt bracket Control Tower's work on the account.
	RequestedAt time.Time `json:"requestedAt,omitzero"`
	CompletedAt time.Time `json:"completedAt,omitzero"`
	// EventTime is the CloudTrail event time, else the envelope time.
	EventTime time.Time `json:"eventTime,omitzero"`

	// ManagementAccount is the account whose bus delivered the event.
	ManagementAccount string `json:"managementAccount,omitempty"`
	// HomeRegion is Control Tower's home region, where the event was delivered.
	HomeRegion string `json:"homeRegion,omitempty"`
}

// Succeeded reports whether Control Tower finished the account successfully,
// the only state in which Landfall provisions anything.
func (e *AccountEvent) Succeeded() bool { return e.State == StateSucceeded }

func (*AccountEvent) isEvent() {}

// IgnoredEvent is a well-formed Control Tower or Organizations event that
// Landfall does not act on. Callers should log it and succeed, so that
// EventBridge does not retry.
type IgnoredEvent struct {
	EventID   string `json:"eventId,omitempty"`
	EventName string `json:"eventName"`
	// Reason says why Landfall does nothing, for the log.
	Reason string `json:"reason"`
}

func (*IgnoredEvent) isEvent() {}

// envelopeKeys are the keys EventBridge writes in every event besides
// "source" and "detail-type".
var envelopeKeys = []string{"version", "id", "account", "time", "region", "resources", "detail"}

// IsEventBridgeEnvelope reports whether raw is to be read as an EventBridge
// event rather than a manual payload: the cheap test a handler that takes
// both uses to tell them apart. The rule, on the top-level keys of a JSON
// object, matched exactly as EventBridge writes them:
//
//  1. A "source" or a "detail-type" key, whatever its value, makes an event:
//     no manual payload has either.
//  2. Otherwise, at least two of EventBridge's other envelope keys
//     ("version", "id", "account", "time", "region", "resources", "detail")
//     make an event, unless the object also has a key of a manual payload
//     ("accounts", "regions", ...; see manual.IsPayloadKey): then it is an
//     operator's request with stray keys, and the manual decoder names them,
//     with a did-you-mean for "account" and "region". One envelope key alone
//     is not enough for the same reason.
//
// So an envelope that lost its source or detail-type is decoded as an event
// and rejected for the missing field, never taken for a manual payload.
// Anything that is not a JSON object is not an envelope; the launch function
// hands it to Decode all the same, which says it must be an object.
// IsEventBridgeEnvelope does not check values; Decode does.
func IsEventBridgeEnvelope(raw []byte) bool {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return false
	}
	_, hasSource := keys["source"]
	_, hasDetailType := keys["detail-type"]
	if hasSource || hasDetailType {
		return true
	}
	n := 0
	for k := range keys {
		switch {
		case manual.IsPayloadKey(k):
			return false
		case slices.Contains(envelopeKeys, k):
			n++
		}
	}
	return n >= 2
}

// Decode parses an EventBridge event carrying a Control Tower lifecycle event
// or an Organizations API call. It returns *AccountEvent,
// *OrganizationsEvent or *IgnoredEvent. Errors are a *FieldError, or an
// errors.Join of several when one event has several problems.
func Decode(raw []byte) (Event, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return nil, &FieldError{Problem: "empty", Fix: "send the EventBridge event as a JSON object"}
	}
	if trimmed[0] != '{' {
		if !json.Valid(trimmed) {
			return nil, notJSON(raw)
		}
		return nil, &FieldError{
			Problem: "must be a JSON object, got " + string(fielderror.KindOf(trimmed)),
			Fix:     "send the EventBridge event as a JSON object",
		}
	}
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, envelopeError(raw, err)
	}
	return decodeEnvelope(ev, envelopeLiterals(raw))
}

// notJSON describes a payload that does not parse, with the position of the
// first problem so that a hand-edited test event can be fixed.
func notJSON(raw []byte) *FieldError {
	var v any
	err := json.Unmarshal(raw, &v)
	problem := "is not valid JSON"
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		problem = fmt.Sprintf("is not valid JSON: %s at byte %d", se.Error(), se.Offset)
	}
	return &FieldError{Problem: problem, Fix: "send the EventBridge event as a JSON object"}
}

// envelopeError turns an error from decoding events.EventBridgeEvent into a
// FieldError naming the envelope field.
func envelopeError(raw []byte, err error) error {
	if _, ok := errors.AsType[*json.SyntaxError](err); ok {
		return notJSON(raw)
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		want := fielderror.ExpectedKind(te.Type.Kind())
		fix := "EventBridge envelopes carry strings here"
		if want == "array" {
			fix = "EventBridge envelopes carry a list of ARN strings here"
		}
		return &FieldError{
			Field:   te.Field,
			Problem: fmt.Sprintf("must be a JSON %s, got %s", want, te.Value),
			Fix:     fix,
		}
	}
	// The only field of events.EventBridgeEvent with its own decoder is
	// "time" (time.Time), so any other decoding error comes from there.
	var probe struct {
		Time json.RawMessage `json:"time"`
	}
	_ = json.Unmarshal(raw, &probe)
	value := string(probe.Time)
	var s string
	if json.Unmarshal(probe.Time, &s) == nil {
		value = s
	}
	return &FieldError{
		Field:   "time",
		Value:   value,
		Problem: "is not an RFC 3339 timestamp",
		Fix:     `EventBridge writes times such as "2018-08-30T21:42:18Z"`,
	}
}

// DecodeEnvelope decodes the event inside an EventBridge event
// that the caller has already unmarshalled, for handlers that take
// events.EventBridgeEvent directly. It applies the same rules as Decode,
// except that bytes of the envelope's own strings that were not UTF-8 are
// past noticing: unmarshalling made them U+FFFD.
func DecodeEnvelope(ev events.EventBridgeEvent) (Event, error) {
	return decodeEnvelope(ev, nil)
}

// decodeEnvelope is DecodeEnvelope with the raw values of the envelope's
// keys, when known, so that its strings get the literal checks too.
func decodeEnvelope(ev events.EventBridgeEvent, lits map[string]json.RawMessage) (Event, error) {
	family, err := familyOf(ev)
	if err != nil {
		return nil, err
	}
	det, err := object(ev.Detail, "detail")
	if err != nil {
		return nil, err
	}
	var problems []error
	// The envelope's id and region are free text to EventBridge's decoder;
	// the id names the event in logs, reports and run IDs.
	if fe := checkText("id", lits["id"], ev.ID, maxIDLen, false); fe != nil {
		problems = append(problems, fe)
	}
	if fe := checkText("region", lits["region"], ev.Region, maxRegionLen, false); fe != nil {
		problems = append(problems, fe)
	}
	if family == organizationsEvent {
		return decodeOrganizations(ev, det, problems)
	}
	eventName, err := textField(det, "eventName", "detail", maxIDLen, false)
	if err != nil {
		return nil, err
	}
	if eventName == "" {
		return nil, &FieldError{
			Field: "detail.eventName", Problem: "missing",
			Fix: "Control Tower lifecycle events name their operation there, such as " + CreateManagedAccount,
		}
	}
	cloudTrailID, idErr := textField(det, "eventID", "detail", maxIDLen, false)
	problems = appendErr(problems, idErr)
	eventID := cmp.Or(cloudTrailID, ev.ID)

	if eventName != CreateManagedAccount && eventName != UpdateManagedAccount {
		if len(problems) > 0 {
			return nil, errors.Join(problems...)
		}
		return &IgnoredEvent{EventID: eventID, EventName: eventName, Reason: ignoreReason(eventName)}, nil
	}

	env, more := readEnvelope(ev, det, eventID, idErr)
	problems = append(problems, more...)
	out := &AccountEvent{
		EventID:           eventID,
		EnvelopeID:        ev.ID,
		EventName:         eventName,
		ManagementAccount: env.managementAccount,
		HomeRegion:        env.region,
		EventTime:         env.eventTime,
	}

	problems = append(problems, decodeAccountStatus(det, out)...)
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return out, nil
}

// decodeAccountStatus fills out from the event's ...ManagedAccountStatus block
// and returns every problem found in it.
func decodeAccountStatus(det map[string]json.RawMessage, out *AccountEvent) []error {
	blockName, otherName := "createManagedAccountStatus", "updateManagedAccountStatus"
	if out.EventName == UpdateManagedAccount {
		blockName, otherName = otherName, blockName
	}
	const detailsPath = "detail.serviceEventDetails"
	blockPath := detailsPath + "." + blockName

	var details map[string]json.RawMessage
	if raw, ok := det["serviceEventDetails"]; ok && !isNull(raw) {
		var err error
		if details, err = object(raw, detailsPath); err != nil {
			return []error{err}
		}
	}
	raw, ok := details[blockName]
	if !ok || isNull(raw) {
		fix := "a " + out.EventName + " event carries the account's outcome there"
		if _, other := details[otherName]; other {
			fix = "the event has " + otherName + " instead; the block must match eventName " + out.EventName
		}
		return []error{&FieldError{Field: blockPath, Problem: "missing", Fix: fix}}
	}
	block, err := object(raw, blockPath)
	if err != nil {
		return []error{err}
	}

	var problems []error
	state, err := stringField(block, "state", blockPath)
	problems = appendErr(problems, err)
	out.State = State(state)
	switch {
	case err != nil:
	case state == "":
		problems = append(problems, &FieldError{
			Field: blockPath + ".state", Problem: "missing",
			Fix: "Control Tower reports " + string(StateSucceeded) + " or " + string(StateFailed),
		})
	case out.State != StateSucceeded && out.State != StateFailed:
		problems = append(problems, &FieldError{
			Field: blockPath + ".state", Value: state, Problem: "is not a known state",
			Fix: "Control Tower reports " + string(StateSucceeded) + " or " + string(StateFailed),
		})
	}
	// Only a known success makes the identifying fields mandatory; with an
	// unknown state the state error above already rejects the event.
	required := out.State == StateSucceeded

	out.Message, err = textField(block, "message", blockPath, 0, true)
	problems = appendErr(problems, err)
	out.Message = clipMessage(out.Message)
	out.RequestedAt, err = timestampField(block, "requestedTimestamp", blockPath)
	problems = appendErr(problems, err)
	out.CompletedAt, err = timestampField(block, "completedTimestamp", blockPath)
	problems = appendErr(problems, err)

	accountPath := blockPath + ".account"
	account, err := optionalObject(block, "account", blockPath)
	problems = appendErr(problems, err)
	if err == nil {
		if account == nil && required {
			problems = append(problems, &FieldError{
				Field: accountPath, Problem: "missing",
				Fix: "a " + string(StateSucceeded) + " event names the account it enrolled",
			})
		}
		if account != nil || required {
			problems = append(problems, decodeAccount(account, accountPath, required, out)...)
		}
	}

	ouPath := blockPath + ".organizationalUnit"
	ou, err := optionalObject(block, "organizationalUnit", blockPath)
	problems = appendErr(problems, err)
	if err == nil {
		if ou == nil && required {
			problems = append(problems, &FieldError{
				Field: ouPath, Problem: "missing",
				Fix: "a " + string(StateSucceeded) + " event names the OU the account was enrolled into",
			})
		}
		if ou != nil {
			problems = append(problems, decodeOU(ou, ouPath, required, out)...)
		}
	}
	return problems
}

// decodeAccount reads the account block; a nil block is reported by the caller.
func decodeAccount(account map[string]json.RawMessage, path string, required bool, out *AccountEvent) []error {
	if account == nil {
		return nil
	}
	var problems []error
	id, err := stringField(account, "accountId", path)
	problems = appendErr(problems, err)
	switch {
	case err != nil:
	case id == "" && required:
		problems = append(problems, &FieldError{
			Field: path + ".accountId", Problem: "missing",
			Fix: "a " + string(StateSucceeded) + " event names the 12-digit account ID",
		})
	case id != "" && !awsid.IsAccountID(id):
		problems = append(problems, &FieldError{
			Field: path + ".accountId", Value: id, Problem: "is not a 12-digit account ID",
			Fix: "AWS account IDs are exactly 12 digits, such as \"123456789012\"",
		})
	}
	out.AccountID = id
	name, err := textField(account, "accountName", path, maxNameLen, false)
	problems = appendErr(problems, err)
	if err == nil && name == "" && required {
		problems = append(problems, &FieldError{
			Field: path + ".accountName", Problem: "missing",
			Fix: "a " + string(StateSucceeded) + " event names the account",
		})
	}
	out.AccountName = name
	return problems
}

// decodeOU reads the organizationalUnit block.
func decodeOU(ou map[string]json.RawMessage, path string, required bool, out *AccountEvent) []error {
	var problems []error
	id, err := stringField(ou, "organizationalUnitId", path)
	problems = appendErr(problems, err)
	switch {
	case err != nil:
	case id == "" && required:
		problems = append(problems, &FieldError{
			Field: path + ".organizationalUnitId", Problem: "missing",
			Fix: "a " + string(StateSucceeded) + " event names the OU the account was enrolled into",
		})
	case id != "" && !awsid.IsOUID(id) && !awsid.IsRootID(id):
		problems = append(problems, &FieldError{
			Field: path + ".organizationalUnitId", Value: id, Problem: "is not an OU ID",
			Fix: `OU IDs look like "ou-ab12-l3zc8b3h" (the root: "r-ab12")`,
		})
	}
	out.OUID = id
	name, err := textField(ou, "organizationalUnitName", path, maxNameLen, false)
	problems = appendErr(problems, err)
	out.OUName = name
	return problems
}

// ignoreReason explains, for the log, why an event needs no action.
func ignoreReason(name string) string {
	const tail = "; Landfall acts only on " + CreateManagedAccount + " and " + UpdateManagedAccount
	switch name {
	case "EnableGuardrail", "DisableGuardrail":
		return "a control (guardrail) changed, no account was created or updated" + tail
	case "EnableBaseline", "ResetEnabledBaseline", "UpdateEnabledBaseline", "DisableBaseline":
		return "a baseline changed, no account was created or updated" + tail
	case "RegisterOrganizationalUnit", "DeregisterOrganizationalUnit", "PrecheckOrganizationalUnit":
		return "an organizational unit was registered, deregistered or checked, no account was created or updated" + tail
	case "SetupLandingZone", "UpdateLandingZone":
		return "the landing zone was set up or updated, no account was created or updated" + tail
	default:
		return "not a Control Tower account lifecycle event" + tail
	}
}

// appendErr appends err when it is not nil.
func appendErr(errs []error, err error) []error {
	if err != nil {
		return append(errs, err)
	}
	return errs
}
