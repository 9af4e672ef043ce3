package plan

import (
	"time"

	"go.yaml.in/yaml/v3"
)

// Bounds of a product's expectedDuration.
const (
	MinExpectedDuration = time.Minute
	MaxExpectedDuration = 12 * time.Hour
)

// expectedDuration reads a product's expectedDuration: how long provisioning
// it usually takes, so that runs read its record just after it should end
// instead of backing off blindly. It must end before the run times out.
func (p *parser) expectedDuration(n *yaml.Node, at string) time.Duration {
	s, ok := p.str(n, at)
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		p.add(n, at, "%q is not a duration; write how long provisioning usually takes, like 5m or 1h30m", s)
		return 0
	case d < MinExpectedDuration || d > MaxExpectedDuration:
		p.add(n, at, "%s is out of range; use 1m to 12h, or leave it out", s)
		return 0
	case d >= p.pl.MaxRunAge:
		p.add(n, at, "%s is not shorter than maxRunAge (%s): every run would time out first; raise maxRunAge or shorten expectedDuration", s, p.pl.MaxRunAge)
		return 0
	}
	return d
}
