package worker

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/ledger"
)

// DurationReader reads the run ledger's observed provisioning durations;
// *ledger.Ledger implements it.
type DurationReader interface {
	Durations(ctx context.Context) (map[string]ledger.Duration, error)
}

// durationsMaxAge is how long a warm worker keeps the durations it read:
// they change slowly, and one Query per step would cost more than it tells.
const durationsMaxAge = 10 * time.Minute

// Durations keeps the ledger's observed durations for the engine, which
// times its first read of a record by them when the plan gives a product
// no expectedDuration. Refresh reads them again when they are older than
// durationsMaxAge; Expected answers from what was read. It is safe for
// concurrent use.
type Durations struct {
	Ledger DurationReader
	Now    func() time.Time

	mu    sync.Mutex
	read  time.Time
	byKey map[string]ledger.Duration
}

// Refresh reads the durations if they are due. A failure is logged and
// changes nothing: a record read at the wrong time costs one more step.
func (d *Durations) Refresh(ctx context.Context, log *slog.Logger) {
	now := d.Now()
	d.mu.Lock()
	due := d.read.IsZero() || now.Sub(d.read) >= durationsMaxAge
	d.mu.Unlock()
	if !due {
		return
	}
	got, err := d.Ledger.Durations(ctx)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.read = now
	if err != nil {
		log.WarnContext(ctx, "observed durations not read; records are read on the blind schedule", "error", err)
		return
	}
	d.byKey = got
}

// Expected is the mean observed duration of product in region, zero when
// none was observed.
func (d *Durations) Expected(region, product string) time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.byKey[region+"/"+product].Mean
}
