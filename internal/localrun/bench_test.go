package localrun

import (
	"context"
	"testing"

	"github.com/landfall/landfall/internal/lifecycle/samples"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/plan"
)

// BenchmarkAccountRun measures one whole account run (launch, every worker
// step, the summary) on the emulator: 2 products in 3 regions. It bounds the
// per-account cost of the pipeline's own code plus the SDK round trips.
func BenchmarkAccountRun(b *testing.B) {
	ev := samples.Event("create-managed-account-succeeded.json")
	pl, err := plan.ExamplePlan()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		w, err := localaws.DefaultWorld()
		if err != nil {
			b.Fatal(err)
		}
		env, err := New(ctx, w, pl, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := env.Run(ctx, []Payload{{Name: "create", Body: ev}}); err != nil {
			b.Fatal(err)
		}
	}
}
