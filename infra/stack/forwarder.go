package stack

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/config"
	"github.com/landfall/landfall/infra/landfall"
)

// ForwarderStackSuffix is appended to landfall:stackName to name the
// us-east-1 stack: LandfallOrganizationsEvents by default.
const ForwarderStackSuffix = "OrganizationsEvents"

// OutputForwardingDeadLetterQueueURL is the forwarder stack's output naming
// the queue of events it could not forward.
const OutputForwardingDeadLetterQueueURL = "ForwardingDeadLetterQueueUrl"

// maxStackNameLen is CloudFormation's limit on a stack name.
const maxStackNameLen = 128

// ForwarderStack is the small stack Landfall adds in us-east-1 when the
// Control Tower home region is another region: AWS Organizations' events
// reach EventBridge only in us-east-1, and its rule forwards them to the
// home region's default bus (landfall.OrganizationsForwarder).
type ForwarderStack struct {
	awscdk.Stack
	Forwarder *landfall.OrganizationsForwarder
}

// needsForwarder reports whether Landfall's home region misses the
// Organizations events without a forwarder.
func needsForwarder(cfg config.Config) bool {
	return cfg.HomeRegion != landfall.OrganizationsEventsRegion
}

// forwarderStackName is the forwarder stack's name and construct ID.
func forwarderStackName(cfg config.Config) string { return cfg.StackName + ForwarderStackSuffix }

// checkForwarderName refuses a landfall:stackName too long to name the
// forwarder stack as well, when there is one.
func checkForwarderName(cfg config.Config) error {
	if needsForwarder(cfg) && len(forwarderStackName(cfg)) > maxStackNameLen {
		return fmt.Errorf("%s: %q is too long: with the home region %s, Landfall also deploys a stack named %s%s in %s, and stack names are at most %d characters; use at most %d",
			config.KeyStackName, cfg.StackName, cfg.HomeRegion, "<stackName>", ForwarderStackSuffix, landfall.OrganizationsEventsRegion,
			maxStackNameLen, maxStackNameLen-len(ForwarderStackSuffix))
	}
	return nil
}

// newForwarderStack adds the forwarder stack to scope, in us-east-1 of the
// main stack's account. It depends on main, so that deploying it alone
// deploys the receiving rule first.
func newForwarderStack(scope constructs.Construct, main awscdk.Stack, cfg config.Config) (*ForwarderStack, error) {
	env := &awscdk.Environment{Region: jsii.String(landfall.OrganizationsEventsRegion)}
	if cfg.ManagementAccountID != "" {
		env.Account = jsii.String(cfg.ManagementAccountID)
	}
	st := awscdk.NewStack(scope, jsii.String(forwarderStackName(cfg)), &awscdk.StackProps{
		Env: env,
		Description: jsii.String("Landfall: forwards AWS Organizations account events (MoveAccount, CloseAccount, RemoveAccountFromOrganization) from " +
			landfall.OrganizationsEventsRegion + " to Landfall's stack " + cfg.StackName + " in " + cfg.HomeRegion),
	})
	fw, err := landfall.NewOrganizationsForwarder(st, "Forwarder", landfall.OrganizationsForwarderProps{HomeRegion: cfg.HomeRegion})
	if err != nil {
		return nil, err
	}
	st.AddStackDependency(main, jsii.String("the forwarded events are for Landfall's rule in the home region"))
	awscdk.NewCfnOutput(st, jsii.String(OutputForwardingDeadLetterQueueURL), &awscdk.CfnOutputProps{
		Description: jsii.String("Organizations events EventBridge could not forward to " + cfg.HomeRegion + " (kept 14 days)"),
		Value:       fw.DeadLetterQueue.QueueUrl(),
	})
	return &ForwarderStack{Stack: st, Forwarder: fw}, nil
}
