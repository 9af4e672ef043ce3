package gameday

import (
	"encoding/json"
	"fmt"

	"github.com/landfall/landfall/internal/lifecycle/samples"
)

// EventKind is a Control Tower lifecycle event Landfall acts on.
type EventKind string

// The lifecycle events a scenario can deliver.
const (
	Create EventKind = "CreateManagedAccount"
	Update EventKind = "UpdateManagedAccount"
)

// sample is the embedded sample event each kind is made from.
func (k EventKind) sample() string {
	if k == Update {
		return "update-managed-account-succeeded.json"
	}
	return "create-managed-account-succeeded.json"
}

// eventID is the EventBridge event ID of the seq-th event of kind for
// account: a UUID, stable, so that a repeated step is the same event.
func eventID(kind EventKind, account string, seq int) string {
	k := 1
	if kind == Update {
		k = 2
	}
	return fmt.Sprintf("9a3ed000-%04d-4000-8%03d-%s", seq%10000, k, account)
}

// runID is the ID the launch function gives the run of that event
// (launch.runID): the game day's event IDs need no cleaning.
func runID(kind EventKind, account string, seq int) string {
	return "ct-" + eventID(kind, account, seq) + "-" + account
}

// event is the sample event of kind rewritten for account (named as the
// world names it) with the seq-th event ID.
func (p *play) event(kind EventKind, account string, seq int) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(samples.Event(kind.sample()), &m); err != nil {
		return nil, fmt.Errorf("sample %s: %w", kind.sample(), err)
	}
	// The envelope's id and CloudTrail's eventID both: Landfall keys a
	// run on the latter, which survives a duplicate on CloudTrail's path.
	id := eventID(kind, account, seq)
	m["id"] = id
	detail, _ := m["detail"].(map[string]any)
	if detail == nil {
		return nil, fmt.Errorf("sample %s has no detail", kind.sample())
	}
	detail["eventID"] = id
	details, _ := detail["serviceEventDetails"].(map[string]any)
	if len(details) == 0 {
		return nil, fmt.Errorf("sample %s has no serviceEventDetails", kind.sample())
	}
	for _, v := range details {
		status, _ := v.(map[string]any)
		acct, _ := status["account"].(map[string]any)
		if acct == nil {
			return nil, fmt.Errorf("sample %s has no account", kind.sample())
		}
		acct["accountId"], acct["accountName"] = account, p.accountName(account)
	}
	return json.Marshal(m)
}

// accountName is the world's name of account.
func (p *play) accountName(account string) string {
	for _, a := range p.world.Organization.Accounts {
		if a.ID == account {
			return a.Name
		}
	}
	return account
}
