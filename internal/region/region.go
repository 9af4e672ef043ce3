// Package region knows the AWS region codes, so that a plan, a manual payload
// or a world file naming "us-west-9" is rejected before anything is attempted.
package region

import (
	"slices"
	"strings"
)

// codes lists the commercial, GovCloud and China regions. Opt-in regions are
// included: whether one is enabled is a property of each account, not of the code.
var codes = []string{
	"af-south-1",
	"ap-east-1", "ap-east-2",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1",
	"cn-north-1", "cn-northwest-1",
	"eu-central-1", "eu-central-2",
	"eu-north-1",
	"eu-south-1", "eu-south-2",
	"eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1",
	"me-central-1", "me-south-1",
	"mx-central-1",
	"sa-east-1",
	"us-east-1", "us-east-2",
	"us-gov-east-1", "us-gov-west-1",
	"us-west-1", "us-west-2",
}

// optIn lists regions launched after March 2019, which an account must enable
// before anything can be provisioned there.
var optIn = []string{
	"af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1", "eu-central-2",
	"eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
}

// Known reports whether code is an AWS region.
func Known(code string) bool {
	_, found := slices.BinarySearch(codes, code)
	return found
}

// OptIn reports whether code is an opt-in region.
func OptIn(code string) bool {
	return slices.Contains(optIn, code)
}

// All returns every known region code, sorted.
func All() []string {
	return slices.Clone(codes)
}

// Partition returns the ARN partition of a region: aws, aws-us-gov or aws-cn.
func Partition(code string) string {
	switch {
	case strings.HasPrefix(code, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(code, "cn-"):
		return "aws-cn"
	default:
		return "aws"
	}
}
