package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/lifecycle/samples"
)

// sampleEvent is the Control Tower sample most tests deliver.
const sampleEvent = "create-managed-account-succeeded.json"

// sampleFile writes the named sample event to a file of the same name, for
// commands that read their payload from a file, and returns its path.
func sampleFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, samples.Event(name), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func invokeCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLocalHumanStory(t *testing.T) {
	code, out, errOut := invokeCLI(t, "local", "--event", sampleFile(t, sampleEvent))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"launch <- create-managed-account-succeeded.json: queued",
		"us-west-1  security-audit  SUCCEEDED",
		"Subject: Landfall: LifeCycle1 (222222222222) 6 succeeded",
		"servicecatalog.ProvisionProduct",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestLocalJSON(t *testing.T) {
	event := sampleFile(t, sampleEvent)
	code, out, errOut := invokeCLI(t, "local", "--json", "--event", event, "--event", event)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Runs []struct {
			Account, AccountName, Trigger, Outcome string
			Targets                                []struct {
				Region, Product, Status, Version, ProvisionedProductID, RecordID, Error string
			}
		}
		Notifications []struct{ Subject, Message string }
		Calls         map[string]int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	// The second delivery finds the event's run in the ledger: one run, told once.
	if len(res.Runs) != 1 || len(res.Notifications) != 1 || res.Calls["servicecatalog.ProvisionProduct"] != 6 {
		t.Fatalf("two deliveries of one event: want 1 run, 1 notification, 6 provisionings; got %d, %d, %v", len(res.Runs), len(res.Notifications), res.Calls)
	}
	run := res.Runs[0]
	if run.Account != "222222222222" || run.Trigger != "CreateManagedAccount" || run.Outcome != "SUCCEEDED" || len(run.Targets) != 6 {
		t.Errorf("run = %+v", run)
	}
	for _, tr := range run.Targets {
		if tr.Status != "SUCCEEDED" || tr.ProvisionedProductID == "" {
			t.Errorf("target %+v, want SUCCEEDED with its product", tr)
		}
	}
}

func TestLocalErrors(t *testing.T) {
	badPlan := writeTemp(t, "plan.yaml", "regions: [us-west-9]\nproducts: []\nbogus: 1\n")
	badWorld := writeTemp(t, "world.yaml", "organization: {managementAccount: \"12\"}\n")
	notJSON := writeTemp(t, "event.json", "{nope")
	typo := writeTemp(t, "typo.json", `{"acounts": ["222222222222"]}`)
	event := sampleFile(t, sampleEvent)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no event", []string{"local"}, 2, "no --event given"},
		{"missing file", []string{"local", "--event", "/nonexistent.json"}, 1, "read event"},
		{"not JSON", []string{"local", "--event", notJSON}, 1, "not valid JSON"},
		{"bad plan", []string{"local", "--event", event, "--plan", badPlan}, 1, `"us-west-9" is not a region`},
		{"bad world", []string{"local", "--event", event, "--world", badWorld}, 1, "organization.managementAccount"},
		{"rejected payload", []string{"local", "--event", typo}, 1, "rejected 1 of 1 payloads"},
		{"unknown flag", []string{"local", "--nope"}, 2, "flag provided but not defined"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := invokeCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	code, out, errOut := invokeCLI(t, "validate", "../plan/example.yaml")
	if code != 0 || !strings.Contains(out, "valid: 2 products in 3 regions") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	bad := writeTemp(t, "plan.yaml", "regions: [us-west-9]\nproducts: []\nbogus: 1\n")
	code, _, errOut = invokeCLI(t, "validate", bad)
	if code != 1 || !strings.Contains(errOut, `"us-west-9" is not a region`) || !strings.Contains(errOut, "bogus") {
		t.Errorf("exit %d, want 1 with every problem listed:\n%s", code, errOut)
	}
	if code, _, _ := invokeCLI(t, "validate"); code != 2 {
		t.Errorf("no plan: exit %d, want 2", code)
	}
}
