package faults_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/landfall/landfall/internal/localaws/faults"
)

// TestSharedBucket: with throttle.shared the operations a rule selects draw
// from one bucket per account and region; without it, each has its own.
func TestSharedBucket(t *testing.T) {
	both := []string{"ListRoots", "DescribeOrganization"}
	tests := []struct {
		name string
		rule faults.Rule
		// calls are made in order; throttled says which are refused.
		calls     []string
		throttled []bool
	}{
		{
			"shared across operations",
			faults.Rule{Service: "organizations", Operations: both, Throttle: &faults.Throttle{Rate: 0.01, Burst: 2, Shared: true}},
			[]string{"ListRoots", "DescribeOrganization", "ListRoots", "DescribeOrganization", "ListAccounts"},
			[]bool{false, false, true, true, false},
		},
		{
			"per operation by default",
			faults.Rule{Service: "organizations", Operations: both, Throttle: &faults.Throttle{Rate: 0.01, Burst: 2}},
			[]string{"ListRoots", "DescribeOrganization", "ListRoots", "DescribeOrganization", "ListRoots", "DescribeOrganization"},
			[]bool{false, false, false, false, true, true},
		},
		{
			"shared by every operation of a service",
			faults.Rule{Service: "organizations", Throttle: &faults.Throttle{Rate: 0.01, Burst: 1, Shared: true}},
			[]string{"ListAccounts", "ListRoots"},
			[]bool{false, true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, faults.Spec{tt.rule})
			cfg := e.config("us-east-1", nil)
			cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
			orgc := organizations.NewFromConfig(cfg)
			for i, op := range tt.calls {
				err := callOrg(t, orgc, op)
				if got := apiCode(err) == "ThrottlingException"; got != tt.throttled[i] {
					t.Errorf("call %d (%s): throttled = %v (%v), want %v", i, op, got, err, tt.throttled[i])
				}
			}
		})
	}

	// Buckets stay per calling region, shared or not.
	e := newEnv(t, faults.Spec{{Service: "organizations", Throttle: &faults.Throttle{Rate: 0.01, Burst: 1, Shared: true}}})
	for _, region := range []string{"us-east-1", "us-west-2"} {
		cfg := e.config(region, nil)
		cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
		if err := callOrg(t, organizations.NewFromConfig(cfg), "ListRoots"); err != nil {
			t.Errorf("first call in %s: %v", region, err)
		}
	}
}

// callOrg makes one Organizations call by name.
func callOrg(t *testing.T, c *organizations.Client, op string) error {
	t.Helper()
	ctx := t.Context()
	var err error
	switch op {
	case "ListRoots":
		_, err = c.ListRoots(ctx, &organizations.ListRootsInput{})
	case "DescribeOrganization":
		_, err = c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	case "ListAccounts":
		_, err = c.ListAccounts(ctx, &organizations.ListAccountsInput{})
	default:
		t.Fatalf("callOrg: no case for %s", op)
	}
	return err
}
