// Package workerfn wires the worker function's handler. functions/worker and
// the local driver build it here; the launch function's binary does not link it.
package workerfn

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/landfall/landfall/internal/app"
	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/worker"
)

// New builds the worker function's handler. It calls no AWS API.
func New(cfg aws.Config, c config.Config, pl *plan.Plan, o app.Options) *worker.Handler {
	return &worker.Handler{
		Plan:     pl,
		Engine:   app.Engine(pl, c, app.CatalogCheck(cfg, pl), o),
		Members:  app.Members(organizations.NewFromConfig(cfg), pl, o),
		Accounts: app.Sessions(cfg, pl, c, o),
		Queue:    app.Queue(cfg, c),
		Notifier: app.Notifier(cfg, c, o),
		Now:      o.Now,
		Logger:   o.Log(),
	}
}
