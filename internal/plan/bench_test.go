package plan

import "testing"

// BenchmarkParse measures a Lambda cold start's plan validation.
func BenchmarkParse(b *testing.B) {
	data := Example()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data, "example.yaml"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlacements(b *testing.B) {
	pl := mustExample(b)
	for b.Loop() {
		if _, _, err := pl.Placements(paymentsProd, Filter{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	pl := mustExample(b)
	targets, _, err := pl.Placements(paymentsProd, Filter{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for _, t := range targets {
			if _, _, err := pl.Render(t, paymentsProd); err != nil {
				b.Fatal(err)
			}
		}
	}
}
