package leastprivilege

import (
	"time"

	"github.com/landfall/landfall/internal/localaws"
)

// slowProduct and slowDuration make one product of the default world take
// longer than a worker invocation (300 s), so every run waits through
// continuation messages, as runs with real products do.
const (
	slowProduct  = "security-audit"
	slowDuration = 12 * time.Minute
)

// provingWorld is the default world with one slow product.
func provingWorld() (*localaws.World, error) {
	w, err := localaws.DefaultWorld()
	if err != nil {
		return nil, err
	}
	for ri := range w.Catalog.Regions {
		for pi := range w.Catalog.Regions[ri].Products {
			p := &w.Catalog.Regions[ri].Products[pi]
			if p.Name != slowProduct {
				continue
			}
			for ai := range p.Artifacts {
				p.Artifacts[ai].Provisioning.Duration = slowDuration
			}
		}
	}
	return w, nil
}
