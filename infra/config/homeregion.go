package config

import (
	"fmt"

	"github.com/landfall/landfall/internal/region"
)

// EnvStackRegion is the variable the CDK CLI sets to the region of the
// credentials it deploys with (AWS_REGION, AWS_DEFAULT_REGION or the
// profile's region): the region the stack is deployed to when nothing pins
// it.
const EnvStackRegion = "CDK_DEFAULT_REGION"

// homeRegion is the Control Tower home region: landfall:homeRegion when set,
// else the stack's region. Both given and different is a mistake, not a
// preference: Landfall must run in the home region (the only one receiving
// the lifecycle events), and a pinned homeRegion that quietly beats the
// region the operator deploys with sends the stack somewhere they did not
// ask for, or leaves them thinking it went where they asked. So it fails,
// naming both values and both ways out. A pinned value that is no region
// at all is left to Validate, which says so.
func (r *reader) homeRegion(stackRegion string) string {
	pinned := r.str(KeyHomeRegion, "")
	switch {
	case pinned == "":
		return stackRegion
	case stackRegion != "" && stackRegion != pinned && region.Known(pinned):
		r.fail(KeyHomeRegion, "%q differs from the stack's region %q (%s, from AWS_REGION or the AWS profile the CDK CLI runs with): "+
			"Landfall deploys to the Control Tower home region only; if the home region is %s, deploy with AWS_REGION=%s (or a profile in that region), "+
			"otherwise remove %s from cdk.json (or -c) so the stack's region is used",
			pinned, stackRegion, EnvStackRegion, pinned, pinned, KeyHomeRegion)
	}
	return pinned
}

// homeRegionUnset explains how to give the home region when neither the
// context nor the CDK CLI's environment does.
func homeRegionUnset() string {
	return fmt.Sprintf("not set: deploy with AWS_REGION (or an AWS profile's region) set to your Control Tower home region, which the CDK CLI passes as %s, "+
		"or set %s in cdk.json (for example \"us-east-1\")", EnvStackRegion, KeyHomeRegion)
}
