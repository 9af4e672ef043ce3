package stack

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/landfall"
	"github.com/landfall/landfall/internal/plan"
)

// The construct's own tests live here too, to share this package's single
// CDK test binary.

func examplePlan(t *testing.T) *landfall.Plan {
	t.Helper()
	p, err := landfall.ParsePlan(plan.Example(), "example.yaml")
	if err != nil {
		t.Fatalf("ParsePlan(example): %v", err)
	}
	return p
}

func TestPropsValidateReportsEveryField(t *testing.T) {
	empty := tempDir("landfall-nobootstrap-")
	err := landfall.Props{
		Plan:               examplePlan(t),
		LaunchCodeDir:      empty,
		ExecutionRoleName:  "SomeOtherRole",
		WorkerConcurrency:  1001,
		TargetConcurrency:  -1,
		LogRetentionDays:   2,
		LogLevel:           "trace",
		NotificationEmails: []string{"not-an-address"},
		AlarmEmails:        []string{"a@example.com", "a@example.com"},
		// Reserved concurrency 0 means the default; past Lambda's limit is not.
		LaunchReservedConcurrency: 901,
		RedrivePrincipals:         []string{"Operator"},
	}.Validate()
	if err == nil {
		t.Fatal("Validate accepted invalid props")
	}
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *landfall.FieldError
		if !errors.As(e, &fe) {
			t.Errorf("%v is not a *landfall.FieldError", e)
			continue
		}
		fields = append(fields, fe.Field)
	}
	equalJSON(t, "fields in error", fields, []string{
		"ExecutionRoleName", "LaunchCodeDir", "WorkerCodeDir", "WorkerConcurrency", "TargetConcurrency",
		"LogRetentionDays", "LogLevel", "NotificationEmails", "AlarmEmails", "LaunchReservedConcurrency", "RedrivePrincipals",
	})
	if !strings.Contains(err.Error(), "WorkerCodeDir: required") {
		t.Errorf("error lacks the missing worker directory:\n%v", err)
	}

	if err := (landfall.Props{}).Validate(); err == nil || !strings.Contains(err.Error(), "Plan: required") {
		t.Errorf("Validate without a plan: got %v", err)
	}
}

func TestParsePlanRejectsInvalidPlan(t *testing.T) {
	_, err := landfall.ParsePlan([]byte("regions: [nowhere-1]\n"), "bad.yaml")
	var verr *plan.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("ParsePlan: got %v, want a *plan.ValidationError", err)
	}
}

// TestEmbeddedInAnotherApp uses the construct the way a platform team's own
// CDK app would: in an environment-agnostic stack of theirs, next to their
// own resources, with cdk-nag on.
func TestEmbeddedInAnotherApp(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(tempDir("landfall-embedded-"))})
	host := awscdk.NewStack(app, jsii.String("PlatformBaseline"), nil)
	launch, worker := codeDirs()
	lf, err := landfall.New(host, "Provisioning", landfall.Props{
		Plan:          examplePlan(t),
		LaunchCodeDir: launch,
		WorkerCodeDir: worker,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if lf.ExecutionRoleName != "AWSControlTowerExecution" {
		t.Errorf("ExecutionRoleName = %q, want the plan's", lf.ExecutionRoleName)
	}
	// Invalid props fail before anything is added to the tree.
	if _, err := landfall.New(host, "Second", landfall.Props{}); err == nil {
		t.Error("New accepted empty props")
	}
	if host.Node().TryFindChild(jsii.String("Second")) != nil {
		t.Error("a failed New left a construct in the tree")
	}
	for _, pack := range NagPacks() {
		awscdk.Aspects_Of(app).Add(pack, nil)
	}
	tmpl := assertions.Template_FromStack(host, nil)
	// The suppressions travel with the construct.
	nag := assertions.Annotations_FromStack(host)
	packs := assertions.Match_StringLikeRegexp(jsii.String(`(AwsSolutions|NIST\.800\.53\.R5|HIPAA\.Security|PCI\.DSS\.321|Serverless)-.*`))
	for _, m := range append(*nag.FindError(jsii.String("*"), packs), *nag.FindWarning(jsii.String("*"), packs)...) {
		t.Errorf("unsuppressed cdk-nag finding in the embedding app at %s: %v", *m.Id, m.Entry.Data)
	}
	for typ, n := range map[string]int{"AWS::Lambda::Function": 2, "AWS::SQS::Queue": 4, "AWS::SNS::Topic": 2, "AWS::CloudWatch::Alarm": 9, "AWS::CloudWatch::Dashboard": 1} {
		assert(t, "count "+typ, func() { tmpl.ResourceCountIs(jsii.String(typ), jsii.Number(n)) })
	}
	assert(t, "worker uses the default concurrency", func() {
		tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), assertions.Match_ObjectLike(&map[string]any{
			"ScalingConfig": map[string]any{"MaximumConcurrency": 5},
		}))
	})
}
