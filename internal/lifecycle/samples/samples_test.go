package samples

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEveryEventIsAnEventBridgeEnvelope(t *testing.T) {
	names := Names()
	if len(names) < 8 {
		t.Fatalf("Names() = %v: want at least 8 events", names)
	}
	for _, name := range names {
		var env struct {
			Source     string          `json:"source"`
			DetailType string          `json:"detail-type"`
			Detail     json.RawMessage `json:"detail"`
		}
		if err := json.Unmarshal(Event(name), &env); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		// Control Tower's lifecycle events, or Organizations API calls.
		pair := env.Source + " / " + env.DetailType
		if pair != "aws.controltower / AWS Service Event via CloudTrail" && pair != "aws.organizations / AWS API Call via CloudTrail" || len(env.Detail) == 0 {
			t.Errorf("%s: source %q, detail-type %q: not a Control Tower event or an Organizations API call", name, env.Source, env.DetailType)
		}
	}
}

func TestEventReturnsACopy(t *testing.T) {
	const name = "create-managed-account-succeeded.json"
	a := Event(name)
	a[0] = 'x'
	if b := Event(name); b[0] == 'x' {
		t.Error("Event returned shared bytes: a caller's edit changed the next caller's event")
	}
}

func TestEventPanicsOnUnknownName(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, `no sample event "nope.json"`) || !strings.Contains(msg, "create-managed-account-succeeded.json") {
			t.Errorf("panic = %q: want the unknown name and the names there are", msg)
		}
	}()
	Event("nope.json")
}
