package catalog

import (
	"testing"
	"time"
)

func TestSetOutcome(t *testing.T) {
	spec := Spec{Regions: []RegionSpec{{Region: "us-east-1", Products: []ProductSpec{{ID: "prod-a", Name: "a",
		Artifacts: []ArtifactSpec{{ID: "pa-a1", Name: "v1", Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}}}}}}}
	c, err := New(spec, oneAccountDir{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetOutcome("us-east-1", "a", "222222222222", OutcomeSpec{Outcome: "FAILED", Error: "boom"}); err != nil {
		t.Fatal(err)
	}
	a := c.regions["us-east-1"].productsNamed("a")[0].artifacts[0]
	if failed, msg, _ := a.outcome("222222222222"); !failed || msg != "boom" {
		t.Errorf("outcome = %v %q, want FAILED boom", failed, msg)
	}
	if failed, _, _ := a.outcome("333333333333"); failed {
		t.Error("other accounts must keep the artifact's outcome")
	}
	for _, bad := range []struct{ region, product, outcome string }{{"eu-west-1", "a", ""}, {"us-east-1", "b", ""}, {"us-east-1", "a", "MAYBE"}} {
		if err := c.SetOutcome(bad.region, bad.product, "222222222222", OutcomeSpec{Outcome: bad.outcome}); err == nil {
			t.Errorf("SetOutcome(%v) succeeded, want error", bad)
		}
	}
}

// oneAccountDir is a Directory with a management account and one member.
type oneAccountDir struct{}

func (oneAccountDir) ManagementAccount() string         { return "111111111111" }
func (oneAccountDir) IsMember(a string) bool            { return a == "222222222222" }
func (oneAccountDir) Ancestors(string) []string         { return []string{"r-ab12"} }
func (oneAccountDir) RoleExists(string, string) bool    { return true }
func (oneAccountDir) JoinedAt(string) (time.Time, bool) { return time.Time{}, true }
func (oneAccountDir) ID() string                        { return "o-ab12cd34ef" }
