package app

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"

	"github.com/landfall/landfall/internal/accountregions"
	"github.com/landfall/landfall/internal/region"
)

// AccountClient is an Account Management API client for cfg's
// credentials: the launch function's own (ListRegions for `regions:
// enabled`) or a member account's session (the worker's opt-in gate). The
// API's endpoint is global, signed in its partition's global region, so
// the client is pinned there whatever region cfg is in.
func AccountClient(cfg aws.Config) *account.Client {
	return account.NewFromConfig(cfg, func(o *account.Options) {
		o.Region = accountregions.GlobalRegion(region.Partition(cfg.Region))
	})
}

// AccountRegions lists the regions enabled for an account, as the
// management account: the one lister runs, dry runs and status use.
func AccountRegions(cfg aws.Config, o Options) *accountregions.Lister {
	return &accountregions.Lister{API: AccountClient(cfg), ManagementAccount: o.ManagementAccount}
}
