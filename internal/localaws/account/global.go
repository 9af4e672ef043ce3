package account

import "github.com/landfall/landfall/internal/localaws/wire"

// Region is where the Account Management API's one endpoint lives
// (account.us-east-1.amazonaws.com), and the region its requests are
// signed for in AWS.
const Region = "us-east-1"

// GlobalEndpoint returns the middleware that makes every Account
// Management request count as made in Region. The SDK signs a request sent
// to a custom endpoint (BaseEndpoint, AWS_ENDPOINT_URL) for the client's
// configured region, while against AWS it resolves the global endpoint and
// signs for us-east-1. The emulator serves every region at one address, so
// it puts the request back where AWS would answer it: the disabled-region
// check, fault rules and IAM's aws:RequestedRegion then see us-east-1, and
// a member account whose configured region is not enabled yet can still
// call EnableRegion, as in AWS. Place it before every other middleware.
func GlobalEndpoint() wire.Middleware {
	return func(next wire.Operation) wire.Operation {
		return func(r *wire.Request) (any, error) {
			if r.Service == SigningName {
				r.Region = Region
			}
			return next(r)
		}
	}
}
