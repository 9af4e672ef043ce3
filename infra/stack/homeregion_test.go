package stack

import (
	"strings"
	"testing"
)

// TestHomeRegionIsTheStacksRegion checks that cdk.json leaves the home
// region to the stack's region (CDK_DEFAULT_REGION, set in TestMain as the
// CDK CLI sets it), and that pinning another one fails the synth with both
// regions named.
func TestHomeRegionIsTheStacksRegion(t *testing.T) {
	s := stackFor(t)
	if got := *s.stack.Region(); got != "us-east-1" || s.stack.Config.HomeRegion != "us-east-1" {
		t.Errorf("stack region %q, home region %q; want both us-east-1 (CDK_DEFAULT_REGION)", got, s.stack.Config.HomeRegion)
	}

	ctx := cdkJSONContext()
	ctx["landfall:homeRegion"] = "eu-west-1"
	_, err := build(ctx)
	if err == nil {
		t.Fatal("Build accepted landfall:homeRegion eu-west-1 for a stack in us-east-1")
	}
	for _, want := range []string{
		"invalid configuration (cdk.json context):",
		`landfall:homeRegion: "eu-west-1" differs from the stack's region "us-east-1" (CDK_DEFAULT_REGION`,
		"deploy with AWS_REGION=eu-west-1",
		"remove landfall:homeRegion from cdk.json",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
