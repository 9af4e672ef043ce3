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
