package config

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// contextOf serves a context the way jsii hands cdk.json values to Go.
func contextOf(values map[string]any) Lookup {
	return func(key string) any { return values[key] }
}

func envOf(values map[string]string) Env {
	return func(name string) string { return values[name] }
}

func TestLoadDefaults(t *testing.T) {
	got, err := Load(contextOf(map[string]any{KeyHomeRegion: "us-east-1"}), envOf(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Config{
		HomeRegion:                "us-east-1",
		StackName:                 "Landfall",
		PlanFile:                  "internal/plan/example.yaml",
		WorkerConcurrency:         5,
		TargetConcurrency:         8,
		LogRetentionDays:          90,
		LogLevel:                  "info",
		LaunchReservedConcurrency: 10,
		EncryptLogs:               true,
		LaunchCodeDir:             "build/launch",
		WorkerCodeDir:             "build/worker",
		RunRetentionDays:          90,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load defaults:\n got %+v\nwant %+v", got, want)
	}
}

func TestLoadFallsBackToCLIEnvironment(t *testing.T) {
	got, err := Load(contextOf(nil), envOf(map[string]string{"CDK_DEFAULT_REGION": "eu-west-1", "CDK_DEFAULT_ACCOUNT": "111111111111"}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got.HomeRegion != "eu-west-1" || got.ManagementAccountID != "111111111111" {
		t.Errorf("region, account = %q, %q; want eu-west-1, 111111111111", got.HomeRegion, got.ManagementAccountID)
	}
	got, err = Load(contextOf(map[string]any{KeyManagementAccountID: "222222222222"}),
		envOf(map[string]string{"CDK_DEFAULT_REGION": "eu-west-1", "CDK_DEFAULT_ACCOUNT": "111111111111"}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got.ManagementAccountID != "222222222222" {
		t.Errorf("a pinned account must win over the credentials' account: got %q", got.ManagementAccountID)
	}
}

// TestHomeRegion checks where the home region comes from: the stack's
// region (CDK_DEFAULT_REGION) unless landfall:homeRegion pins it, and never
// a pinned region that disagrees with the stack's.
func TestHomeRegion(t *testing.T) {
	tests := []struct {
		name          string
		pinned, stack string
		want          string
		wantErr       []string
	}{
		{name: "stack region only", stack: "eu-west-1", want: "eu-west-1"},
		{name: "pinned only", pinned: "us-west-2", want: "us-west-2"},
		{name: "both agree", pinned: "us-west-2", stack: "us-west-2", want: "us-west-2"},
		{name: "both disagree", pinned: "us-east-1", stack: "eu-west-1", wantErr: []string{
			`landfall:homeRegion: "us-east-1" differs from the stack's region "eu-west-1" (CDK_DEFAULT_REGION`,
			"deploy with AWS_REGION=us-east-1",
			"otherwise remove landfall:homeRegion from cdk.json",
		}},
		{name: "neither", wantErr: []string{
			"landfall:homeRegion: not set: deploy with AWS_REGION (or an AWS profile's region) set to your Control Tower home region",
			"or set landfall:homeRegion in cdk.json",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := map[string]any{}
			if tt.pinned != "" {
				ctx[KeyHomeRegion] = tt.pinned
			}
			got, err := Load(contextOf(ctx), envOf(map[string]string{"CDK_DEFAULT_REGION": tt.stack}))
			if len(tt.wantErr) == 0 {
				if err != nil || got.HomeRegion != tt.want {
					t.Fatalf("home region %q (%v), want %q", got.HomeRegion, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load accepted home region %q with stack region %q", tt.pinned, tt.stack)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if n := strings.Count(err.Error(), KeyHomeRegion+":"); n != 1 {
				t.Errorf("%d home region problems, want 1:\n%v", n, err)
			}
		})
	}
}

// TestLoadCDKJSONTypes decodes context the way cdk.json delivers it (JSON
// numbers, arrays) and the way -c delivers it (strings).
func TestLoadCDKJSONTypes(t *testing.T) {
	tests := []struct {
		name string
		json string
		want func(c Config) bool
	}{
		{"json numbers and arrays", `{"landfall:homeRegion":"us-east-1","landfall:workerConcurrency":12,"landfall:notificationEmails":["a@example.com","b@example.com"],"landfall:logRetentionDays":365}`,
			func(c Config) bool {
				return c.WorkerConcurrency == 12 && c.LogRetentionDays == 365 &&
					reflect.DeepEqual(c.NotificationEmails, []string{"a@example.com", "b@example.com"}) &&
					reflect.DeepEqual(c.AlarmEmails, []string{"a@example.com", "b@example.com"})
			}},
		{"command-line strings", `{"landfall:homeRegion":"us-east-1","landfall:workerConcurrency":"12","landfall:notificationEmails":"a@example.com, b@example.com","landfall:alarmEmails":"ops@example.com"}`,
			func(c Config) bool {
				return c.WorkerConcurrency == 12 &&
					reflect.DeepEqual(c.NotificationEmails, []string{"a@example.com", "b@example.com"}) &&
					reflect.DeepEqual(c.AlarmEmails, []string{"ops@example.com"})
			}},
		{"explicitly empty alarm list", `{"landfall:homeRegion":"us-east-1","landfall:notificationEmails":["a@example.com"],"landfall:alarmEmails":[]}`,
			func(c Config) bool { return len(c.AlarmEmails) == 0 && len(c.NotificationEmails) == 1 }},
		{"organization and role", `{"landfall:homeRegion":"us-east-1","landfall:organizationId":"o-ab12cd34ef","landfall:executionRoleName":"AWSControlTowerExecution"}`,
			func(c Config) bool {
				return c.OrganizationID == "o-ab12cd34ef" && c.ExecutionRoleName == "AWSControlTowerExecution"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var values map[string]any
			if err := json.Unmarshal([]byte(tt.json), &values); err != nil {
				t.Fatal(err)
			}
			got, err := Load(contextOf(values), envOf(nil))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !tt.want(got) {
				t.Errorf("unexpected config %+v", got)
			}
		})
	}
}

// TestLoadReportsEveryProblem feeds one bad value per key and expects one
// message per key, each naming the key and the fix.
func TestLoadReportsEveryProblem(t *testing.T) {
	values := map[string]any{
		KeyHomeRegion:          "us-middle-1",
		KeyManagementAccountID: "1234",
		KeyStackName:           "1stack",
		KeyPlanFile:            " ",
		KeyExecutionRoleName:   "bad role",
		KeyOrganizationID:      "org-1",
		KeyWorkerConcurrency:   float64(1),
		KeyTargetConcurrency:   "lots",
		KeyNotificationEmails:  []any{"Ops <ops@example.com>", float64(3)},
		KeyAlarmEmails:         []any{"a@example.com", "A@example.com"},
		KeyLogRetentionDays:    float64(42),
		KeyLogLevel:            "verbose",
		KeyLaunchCodeDir:       "",
		KeyWorkerCodeDir:       true,
		KeyRunRetentionDays:    float64(0),
	}
	_, err := Load(contextOf(values), envOf(nil))
	if err == nil {
		t.Fatal("Load accepted a context where every key is wrong")
	}
	msg := err.Error()
	wants := []string{
		`landfall:homeRegion: "us-middle-1" is not an AWS region`,
		`landfall:managementAccountId: "1234" is not a 12-digit account ID`,
		`landfall:stackName: "1stack" is not a stack name`,
		`landfall:planFile: empty`,
		`landfall:executionRoleName: "bad role" is not an IAM role name`,
		`landfall:organizationId: "org-1" is not an organization ID`,
		`landfall:workerConcurrency: 1 is out of range: Lambda accepts 2 to 1000`,
		`landfall:targetConcurrency: got "lots": want a whole number`,
		`landfall:notificationEmails: [0]: "Ops <ops@example.com>" is not a bare email address`,
		`landfall:notificationEmails: [1]: got number 3: want a string`,
		`landfall:alarmEmails: [1]: "A@example.com" is listed twice`,
		`landfall:logRetentionDays: 42 is not a retention CloudWatch Logs accepts`,
		`landfall:logLevel: "verbose" is not a log level: use one of debug, info, warn, error`,
		`landfall:launchCodeDir: empty`,
		`landfall:workerCodeDir: got boolean true: want a string`,
		`landfall:runRetentionDays: 0 is out of range: use 1 to 3650 days (default 90), or remove the key`,
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("error lacks %q; got:\n%s", w, msg)
		}
	}
	if n := len(strings.Split(msg, "\n")); n != len(wants) {
		t.Errorf("got %d messages, want %d:\n%s", n, len(wants), msg)
	}
}

func TestLoadRequiresHomeRegion(t *testing.T) {
	_, err := Load(contextOf(nil), envOf(nil))
	if err == nil || !strings.Contains(err.Error(), "landfall:homeRegion: not set") {
		t.Fatalf("Load without any region: got %v, want a landfall:homeRegion error", err)
	}
}

func TestCheckLimits(t *testing.T) {
	tests := []struct {
		name  string
		check func() error
		ok    bool
	}{
		{"worker concurrency floor", func() error { return CheckWorkerConcurrency(2) }, true},
		{"worker concurrency ceiling", func() error { return CheckWorkerConcurrency(1000) }, true},
		{"worker concurrency above ceiling", func() error { return CheckWorkerConcurrency(1001) }, false},
		{"target concurrency zero", func() error { return CheckTargetConcurrency(0) }, false},
		{"target concurrency max", func() error { return CheckTargetConcurrency(64) }, true},
		{"retention ten years", func() error { return CheckLogRetentionDays(3653) }, true},
		{"retention zero", func() error { return CheckLogRetentionDays(0) }, false},
		{"no emails", func() error { return CheckEmails(nil) }, true},
		{"too many emails", func() error { return CheckEmails(make([]string, MaxEmails+1)) }, false},
		{"log level upper case", func() error { return CheckLogLevel("INFO") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check(); (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

// TestCDKJSONDefaultsAreValid loads the repository's cdk.json context, so a
// bad default there fails here rather than at the platform team's first synth.
func TestCDKJSONDefaultsAreValid(t *testing.T) {
	data, err := os.ReadFile("../../cdk.json")
	if err != nil {
		t.Fatalf("read cdk.json: %v", err)
	}
	var doc struct {
		App     string         `json:"app"`
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse cdk.json: %v", err)
	}
	if doc.App != "go run ./infra" {
		t.Errorf("cdk.json app = %q, want %q", doc.App, "go run ./infra")
	}
	// The CDK CLI passes the deploying credentials' region; cdk.json must
	// not pin another one.
	got, err := Load(contextOf(doc.Context), envOf(map[string]string{"CDK_DEFAULT_REGION": "eu-west-1"}))
	if err != nil {
		t.Fatalf("cdk.json context is invalid for a stack in eu-west-1: %v", err)
	}
	if got.HomeRegion != "eu-west-1" {
		t.Errorf("cdk.json home region = %q, want the stack's region eu-west-1", got.HomeRegion)
	}
	if got.PlanFile != DefaultPlanFile {
		t.Errorf("cdk.json plan file = %q, want the shipped example %q", got.PlanFile, DefaultPlanFile)
	}
}
