package stack

import (
	"testing"

	"github.com/landfall/landfall/infra/config"
	"github.com/landfall/landfall/internal/cli"
)

// TestCLIReadsTheseOutputs keeps the names the landfall CLI looks up (it
// cannot import this package without pulling in the CDK) equal to the ones
// the stack deploys; TestOutputs checks the template carries them.
func TestCLIReadsTheseOutputs(t *testing.T) {
	tests := []struct {
		name       string
		infra, cli string
	}{
		{"launch function output", OutputLaunchFunctionName, cli.OutputLaunchFunctionName},
		{"work queue output", OutputWorkQueueURL, cli.OutputWorkQueueURL},
		{"summary topic output", OutputSummaryTopicArn, cli.OutputSummaryTopicArn},
		{"default stack name", config.DefaultStackName, cli.DefaultStackName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cli != tt.infra {
				t.Errorf("the CLI uses %q, the stack deploys %q", tt.cli, tt.infra)
			}
		})
	}
}

// TestDeadLetterQueuesAreRetained: deleting or replacing the stack must not
// destroy parked Control Tower events and runs (the key is retained for them).
func TestDeadLetterQueuesAreRetained(t *testing.T) {
	s := stackFor(t)
	for _, id := range []string{"WorkDeadLetterQueue", "EventDeadLetterQueue", "LaunchFailureQueue"} {
		_, r := s.resource(t, id)
		if r["DeletionPolicy"] != "Retain" || r["UpdateReplacePolicy"] != "Retain" {
			t.Errorf("%s: DeletionPolicy %v, UpdateReplacePolicy %v; want Retain", id, r["DeletionPolicy"], r["UpdateReplacePolicy"])
		}
	}
}
