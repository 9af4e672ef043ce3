package plan

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, that it returns either a
// plan or a *ValidationError with problems, and that a plan it accepts can be
// used for every default-world account without panicking.
func FuzzParse(f *testing.F) {
	f.Add(Example())
	for _, pattern := range []string{"testdata/invalid/*.yaml", "testdata/valid/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pl, err := Parse(data, "fuzz.yaml")
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 || pl != nil {
				t.Fatalf("Parse = %v, %v", pl, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, level := range pl.Levels(pl.Keys()) {
			for _, k := range level {
				if seen[k] {
					t.Fatalf("key %s in two levels", k)
				}
				seen[k] = true
			}
		}
		if len(seen) != len(pl.Products) {
			t.Fatalf("levels cover %d of %d products", len(seen), len(pl.Products))
		}
		for _, a := range defaultWorld {
			a.Tags = map[string]string{} // read, as the directory reads them: none
			targets, _, err := pl.Placements(a, Filter{})
			if err != nil {
				t.Fatalf("targets: %v", err)
			}
			for _, tg := range targets {
				// Rendering may fail for a real account (validation uses a
				// sample one); it must not panic.
				_, _, _ = pl.Render(tg, a)
			}
		}
	})
}
