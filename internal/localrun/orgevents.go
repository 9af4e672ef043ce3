package localrun

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/landfall/landfall/internal/lifecycle/samples"
	"github.com/landfall/landfall/internal/localaws/org"
)

// orgSamples names the sample event each account change is made from.
var orgSamples = map[string]string{
	"MoveAccount":                   "move-account.json",
	"CloseAccount":                  "close-account.json",
	"RemoveAccountFromOrganization": "remove-account-from-organization.json",
}

// OrganizationsEvent is ch as EventBridge delivers CloudTrail's record of
// it on the management account's default bus in us-east-1: the sample of
// its kind, rewritten with the change's account, parents, caller, time and
// IDs. It is what the local AWS would send the launch function if it
// modelled CloudTrail and EventBridge.
func OrganizationsEvent(ch org.Change, management string) ([]byte, error) {
	name, ok := orgSamples[ch.EventName]
	if !ok {
		return nil, fmt.Errorf("no sample event for Organizations %s", ch.EventName)
	}
	var m map[string]any
	if err := json.Unmarshal(samples.Event(name), &m); err != nil {
		return nil, fmt.Errorf("sample %s: %w", name, err)
	}
	at := ch.At.UTC().Format(time.RFC3339)
	m["id"], m["account"], m["time"] = ch.EventID, management, at
	detail, _ := m["detail"].(map[string]any)
	params, _ := detail["requestParameters"].(map[string]any)
	identity, _ := detail["userIdentity"].(map[string]any)
	if params == nil || identity == nil {
		return nil, fmt.Errorf("sample %s has no requestParameters or userIdentity", name)
	}
	detail["eventID"], detail["eventTime"], detail["recipientAccountId"] = ch.EventID, at, management
	identity["arn"], identity["accountId"] = ch.Caller, management
	params["accountId"] = ch.AccountID
	if ch.EventName == "MoveAccount" {
		params["sourceParentId"], params["destinationParentId"] = ch.SourceParentID, ch.DestinationParentID
	}
	return json.Marshal(m)
}
