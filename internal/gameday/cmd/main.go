// Command gameday runs Landfall's fault scenarios on the local AWS emulator
// and prints the game-day table as Markdown (`make gameday`). Problems (a
// broken invariant, a fault that never fired) go to standard error with the
// functions' log lines about them, and make it exit 1.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"

	"github.com/landfall/landfall/internal/gameday"
)

func main() {
	only := flag.String("run", "", "run only the scenarios whose name matches this regular expression")
	flag.Parse()
	if err := run(context.Background(), *only); err != nil {
		fmt.Fprintln(os.Stderr, "gameday:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, only string) error {
	re, err := regexp.Compile(only)
	if err != nil {
		return fmt.Errorf("-run: %w", err)
	}
	var rows []gameday.Row
	failed := 0
	for _, sc := range gameday.Scenarios() {
		if !re.MatchString(sc.Name) {
			continue
		}
		res, err := gameday.Run(ctx, sc)
		if err != nil {
			return err
		}
		rows = append(rows, res.Row)
		if len(res.Problems) > 0 {
			fmt.Fprintf(os.Stderr, "%s:\n", sc.Name)
			for _, p := range res.Problems {
				fmt.Fprintf(os.Stderr, "  - %s\n", p)
			}
			if sc.KnownFailure == "" {
				failed++
			}
		}
	}
	if err := gameday.WriteMarkdown(os.Stdout, rows); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d scenario(s) broke an invariant or missed an expectation (see above)", failed)
	}
	return nil
}
