// Command landfall is the operator CLI: validate and preview plans, run the
// whole pipeline locally on the emulated AWS, serve the emulator, check fleet
// status and invoke the deployed launch function. `landfall help` lists the
// commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/landfall/landfall/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
