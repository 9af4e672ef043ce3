// Package workerfn wires the worker function's handler. functions/worker and
// the local driver build it here; the launch function's binary does not link it.
package workerfn

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/landfall/landfall/internal/app"
	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/worker"
)

// New builds the worker function's handler. It calls no AWS API.
func New(cfg aws.Config, c config.Config, pl *plan.Plan, o app.Options) *worker.Handler {
	ledger := app.Ledger(cfg, c, o)
	durations := &worker.Durations{Ledger: ledger, Now: now(o)}
	engine := app.Engine(pl, c, app.CatalogCheck(cfg, pl), o)
	engine.Observed = durations.Expected
	sessions := app.Sessions(cfg, pl, c, o)
	return &worker.Handler{
		Plan:     pl,
		Engine:   engine,
		Members:  app.Members(organizations.NewFromConfig(cfg), pl, o),
		Accounts: sessions,
		// The opt-in gate asks in the member account, as the session the
		// step opened (Config hands out the same cached credentials).
		Regions: func(account, sessionName string) worker.RegionOpt {
			return app.AccountClient(sessions.Config(account, sessionName))
		},
		Queue:     app.Queue(cfg, c),
		Notifier:  app.Notifier(cfg, c, o),
		Ledger:    ledger,
		Durations: durations,
		Now:       o.Now,
		Logger:    o.Log(),
	}
}

func now(o app.Options) func() time.Time {
	if o.Now != nil {
		return o.Now
	}
	return time.Now
}
