package localrun

import (
	"github.com/landfall/landfall/internal/app"
	"github.com/landfall/landfall/internal/ledger"
)

// Ledger is the run ledger as the worker function reads and writes it: its
// role, its table, the emulated clock. Tests and the game day read runs,
// audits and durations through it.
func (e *Env) Ledger() *ledger.Ledger { return app.Ledger(e.workerAWS, e.workerConfig, e.opts) }
