package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/landfall/landfall/internal/plan"
)

func runValidate(_ context.Context, args []string, s Streams) error {
	fs := newFlags("validate", "PLAN", "  landfall validate internal/plan/example.yaml", s)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return &exitError{2, errors.New("name exactly one plan file")}
	}
	pl, err := plan.Load(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "%s: valid: %d products in %d regions, execution role %s, maximum run age %s\n",
		fs.Arg(0), len(pl.Products), len(pl.Regions), pl.ExecutionRoleName, pl.MaxRunAge)
	return nil
}
