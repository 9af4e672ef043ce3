// Command infra is the CDK app that cdk.json runs (`go run ./infra`): it
// reads the landfall: context keys, validates the plan with the functions'
// own validator, and synthesizes the Landfall stack into cdk.out, with the
// small us-east-1 stack that forwards AWS Organizations events when the
// Control Tower home region is another region (so `cdk deploy --all`). It
// builds nothing: the Makefile builds the functions' bootstrap binaries first.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/stack"
)

func main() {
	os.Exit(run())
}

func run() int {
	// jsii.Close stops the Node child process and removes its temporary files.
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	if _, err := stack.Build(app); err != nil {
		fmt.Fprintf(os.Stderr, "landfall: %v\n", err)
		return 1
	}
	app.Synth(nil)
	return 0
}
