// Package launchfn wires the launch function's handler. functions/launch and
// the local driver build it here; the worker's binary does not link it.
package launchfn

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/landfall/landfall/internal/app"
	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/preflight"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/status"
)

// New builds the launch function's handler. It calls no AWS API.
func New(cfg aws.Config, c config.Config, pl *plan.Plan, o app.Options) *launch.Handler {
	orgs := organizations.NewFromConfig(cfg)
	dir := directory.ForPlan(orgs, pl)
	accounts := app.Sessions(cfg, pl, c, o)
	products := app.CatalogCheck(cfg, pl)
	regions := app.AccountRegions(cfg, o)
	// One reporter answers status and drift payloads: drift is status's rule.
	fleet := &status.Reporter{Plan: pl, Directory: dir, Accounts: status.Opened{Opener: accounts}, Products: products, Regions: regions,
		RoleName: accounts.RoleName, ManagementAccount: o.ManagementAccount}
	return &launch.Handler{
		Plan:              pl,
		Directory:         dir,
		Members:           app.Members(orgs, pl, o),
		Preflight:         &preflight.Checker{Plan: pl, Org: &preflight.OrgIndex{API: orgs, Now: o.Now}, Catalog: products},
		Queue:             app.Queue(cfg, c),
		Notifier:          app.Notifier(cfg, c, o),
		Ledger:            app.Ledger(cfg, c, o),
		DryRunner:         provision.DryRunner{Engine: app.Engine(pl, c, products, o), Accounts: accounts},
		Regions:           regions,
		Status:            fleet,
		Fleet:             fleet,
		ManagementAccount: o.ManagementAccount,
		WorkerConcurrency: c.WorkerConcurrency,
		Now:               o.Now,
		Logger:            o.Log(),
	}
}
