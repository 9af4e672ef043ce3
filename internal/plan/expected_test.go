package plan

import (
	"testing"
	"time"
)

func TestExpectedDuration(t *testing.T) {
	pl := mustParse(t, `regions: [us-east-1]
portfolios: {us-east-1: port-ue1baseline0}
products:
  - {key: a, product: a, expectedDuration: 12m}
  - {key: b, product: b}
`)
	if got := pl.Products[0].ExpectedDuration; got != 12*time.Minute {
		t.Errorf("a: expectedDuration = %s, want 12m", got)
	}
	if got := pl.Products[1].ExpectedDuration; got != 0 {
		t.Errorf("b: expectedDuration = %s, want 0 (not given)", got)
	}
}
