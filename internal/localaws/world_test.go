package localaws_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/faults"
	"github.com/landfall/landfall/internal/localaws/org"
)

// smallWorld is a minimal valid world file; line numbers in the tests below
// refer to it (line 1 is "start:").
const smallWorld = `start: 2026-01-01T00:00:00Z
organization:
  id: o-ab12cd34ef
  root: r-ab12
  managementAccount: "111111111111"
  homeRegion: us-east-1
  ous:
    - {id: ou-ab12-l3zc8b3h, name: Custom, parent: r-ab12}
  accounts:
    - {id: "111111111111", name: Management, parent: r-ab12}
    - id: "222222222222"
      name: LifeCycle1
      parent: ou-ab12-l3zc8b3h
sns:
  topics:
    - {account: "111111111111", region: us-east-1, name: landfall-notifications}
sqs:
  queues:
    - {account: "111111111111", region: us-east-1, name: landfall-work}
faults:
  - service: servicecatalog
    latency: 1ms
`

func TestParseWorldValid(t *testing.T) {
	w, err := localaws.ParseWorld([]byte(smallWorld), "small.yaml")
	if err != nil {
		t.Fatalf("ParseWorld: %v", err)
	}
	if !w.Start.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || w.Organization.Accounts[1].Parent != "ou-ab12-l3zc8b3h" ||
		len(w.Faults) != 1 || w.Faults[0].Latency != time.Millisecond || w.SNS.Topics[0].Name != "landfall-notifications" {
		t.Errorf("ParseWorld = %+v", w)
	}
}

func TestParseWorldErrors(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string // old, new applied to smallWorld
		append  string
		want    []string
		notWant string // a valid field that must not be reported
	}{
		{name: "unknown top-level key", append: "sso:\n  enabled: true\n",
			want: []string{`bad.yaml:23: sso: unknown key "sso"; allowed here: catalog, dynamodb, faults, kms, organization, sns, sqs, start`}},
		{name: "unknown nested key", replace: [2]string{"      name: LifeCycle1\n", "      name: LifeCycle1\n      rolez: [Admin]\n"},
			want: []string{`bad.yaml:13: organization.accounts[1].rolez: unknown key "rolez"; allowed here: disabledRegions, email, iamRoles, id, joined, name, parent, roles, status`}},
		{name: "unknown key in flow mapping", replace: [2]string{"name: Custom,", "nme: Custom,"},
			want: []string{`bad.yaml:8: organization.ous[0].nme: unknown key "nme"`}},
		{name: "unknown fault key", replace: [2]string{"    latency: 1ms\n", "    latency: 1ms\n    throttel: {rate: 1}\n"},
			want: []string{`bad.yaml:23: faults[0].throttel: unknown key "throttel"; allowed here: account, associationInvisibleFor, assumeRoleDeniedFor, duplicateRate, error, errorRate, from, latency, loseResponseAs, loseResponseRate, operation, operations, region, seed, service, shareInvisibleFor, throttle, until`}},
		{name: "several unknown keys at once", replace: [2]string{"  homeRegion: us-east-1\n", "  homeRegion: us-east-1\n  home: x\n"}, append: "extra: 1\n",
			want: []string{"organization.home: unknown key", "extra: unknown key"}},
		{name: "wrong type", replace: [2]string{"latency: 1ms", "latency: soon"},
			want: []string{"bad.yaml:22: faults[0].latency: cannot unmarshal !!str `soon` into time.Duration"}},
		{name: "wrong type in flow mapping", replace: [2]string{"{id: ou-ab12-l3zc8b3h, name: Custom, parent: r-ab12}", "{id: ou-ab12-l3zc8b3h, name: [Custom], parent: r-ab12}"},
			want: []string{"bad.yaml:8: organization.ous[0]: cannot unmarshal !!seq into string"}},
		{name: "bad start", replace: [2]string{"start: 2026-01-01T00:00:00Z", "start: yesterday"},
			want: []string{`bad.yaml:1: start: "yesterday" is not a time; use RFC 3339`}},
		{name: "missing start", replace: [2]string{"start: 2026-01-01T00:00:00Z\n", ""},
			want: []string{"bad.yaml: start: is required"}},
		{name: "syntax error", append: "organization: [\n", want: []string{"bad.yaml: yaml: line"}},
		{name: "section validation with line", replace: [2]string{"parent: ou-ab12-l3zc8b3h", "parent: ou-ab12-nope1234"},
			want: []string{`bad.yaml:13: organization.accounts[1].parent: "ou-ab12-nope1234" is not the root or an OU of ous`}},
		{name: "problems in several sections at once", replace: [2]string{"homeRegion: us-east-1", "homeRegion: us-east-9"}, append: "catalog:\n  regions:\n    - region: mars-1\n",
			want: []string{
				`bad.yaml:6: organization.homeRegion: "us-east-9" is not an AWS region`,
				"catalog.regions[0].region",
			}, notWant: "sns.topics[0].region"},
		{name: "cross-section accounts", replace: [2]string{`{account: "111111111111", region: us-east-1, name: landfall-work}`, `{account: "999999999999", region: us-east-1, name: landfall-work}`},
			append: "  - {account: \"888888888888\", errorRate: 0.5}\n",
			want: []string{
				`bad.yaml:19: sqs.queues[0].account: "999999999999" is not an account of the organization`,
				`bad.yaml:23: faults[1].account: "888888888888" is not an account of the organization`,
			}},
		{name: "fault validation", replace: [2]string{"latency: 1ms", "latency: 1ms\n    errorRate: 3"},
			want: []string{"bad.yaml:23: faults[0].errorRate: 3 is not between 0 and 1"}},
		{name: "empty file", replace: [2]string{smallWorld, ""}, want: []string{"bad.yaml: the world file is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := smallWorld
			if tt.replace[0] != "" {
				if !strings.Contains(doc, tt.replace[0]) {
					t.Fatalf("test bug: %q not in smallWorld", tt.replace[0])
				}
				doc = strings.Replace(doc, tt.replace[0], tt.replace[1], 1)
			}
			doc += tt.append
			_, err := localaws.ParseWorld([]byte(doc), "bad.yaml")
			if err == nil {
				t.Fatal("ParseWorld() = nil error")
			}
			if tt.notWant != "" && strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("valid field %s reported: %v", tt.notWant, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ParseWorld() error =\n%v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestDefaultWorld(t *testing.T) {
	w := defaultWorld(t)
	if err := w.Validate(); err != nil {
		t.Fatalf("default world: %v", err)
	}
	if w.Organization.ID != "o-ab12cd34ef" || w.Organization.ManagementAccount != "111111111111" || len(w.Organization.Accounts) != 8 || len(w.Faults) != 0 {
		t.Errorf("default world = %+v", w.Organization)
	}
	// Each call returns an independent copy.
	w.Organization.Accounts = append(w.Organization.Accounts, org.AccountSpec{ID: "888888888888", Name: "x", Parent: "r-ab12"})
	if got := len(defaultWorld(t).Organization.Accounts); got != 8 {
		t.Errorf("DefaultWorld shares state: %d accounts", got)
	}
	// The YAML text round-trips through LoadWorld.
	path := filepath.Join(t.TempDir(), "world.yaml")
	if err := os.WriteFile(path, localaws.DefaultWorldYAML(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := localaws.LoadWorld(path); err != nil {
		t.Errorf("LoadWorld(default): %v", err)
	}
	if _, err := localaws.LoadWorld(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "load world") {
		t.Errorf("LoadWorld(missing) = %v", err)
	}
}

func TestNewRejectsInvalidWorld(t *testing.T) {
	w := defaultWorld(t)
	w.Faults = append(w.Faults, faults.Rule{Service: "ec2", ErrorRate: 1})
	w.Organization.Accounts[1].Parent = "ou-ab12-gone0000"
	_, err := localaws.New(w, localaws.Options{})
	if err == nil || !strings.Contains(err.Error(), `faults[0].service: "ec2"`) || !strings.Contains(err.Error(), "organization.accounts[1].parent") {
		t.Errorf("New(invalid) = %v", err)
	}
	if _, err := localaws.New(nil, localaws.Options{}); err == nil {
		t.Error("New(nil) = nil error")
	}
}
