package lifecycle

import (
	"encoding/json"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/landfall/landfall/internal/awsid"
)

// envelope is what every event Landfall acts on takes from its EventBridge
// envelope, or its CloudTrail record where the envelope lacks it.
type envelope struct {
	// managementAccount is the account whose bus delivered the event.
	managementAccount string
	// region is where the event was delivered (CloudTrail's awsRegion
	// when the envelope has none).
	region string
	// eventTime is CloudTrail's eventTime, else the envelope's time.
	eventTime time.Time
}

// readEnvelope reads and checks the fields every event carries, Control
// Tower's and Organizations' alike: an event ID to recognise redeliveries
// by (eventID is CloudTrail's, else the envelope's id; idErr says whether
// reading it failed already), the management account, the region and the
// time.
func readEnvelope(ev events.EventBridgeEvent, det map[string]json.RawMessage, eventID string, idErr error) (envelope, []error) {
	var problems []error
	env := envelope{managementAccount: ev.AccountID, region: ev.Region, eventTime: ev.Time.UTC()}
	if eventID == "" && idErr == nil {
		problems = append(problems, &FieldError{
			Field: "detail.eventID", Problem: "missing, and the envelope has no id either",
			Fix: "Landfall recognises redelivered events by this ID; keep the eventID of the original event",
		})
	}
	if env.managementAccount != "" && !awsid.IsAccountID(env.managementAccount) {
		problems = append(problems, &FieldError{
			Field: "account", Value: env.managementAccount, Problem: "is not a 12-digit account ID",
			Fix: "EventBridge sets it to the management account's ID",
		})
	}
	if env.region == "" {
		region, err := textField(det, "awsRegion", "detail", maxRegionLen, false)
		problems = appendErr(problems, err)
		env.region = region
	}
	if t, err := timestampField(det, "eventTime", "detail"); err != nil {
		problems = append(problems, err)
	} else if !t.IsZero() {
		env.eventTime = t
	}
	return env, problems
}
