package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/topics"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/plan"
)

const localExamples = `  landfall local --event internal/lifecycle/samples/create-managed-account-succeeded.json
  landfall local --event create.json --event create.json --json     # the same event twice
  landfall local --event payload.json --plan my-plan.yaml --world my-world.yaml
  landfall local serve --addr 127.0.0.1:4566                        # then AWS_ENDPOINT_URL=http://127.0.0.1:4566`

func runLocal(ctx context.Context, args []string, s Streams) error {
	if len(args) > 0 && args[0] == "serve" {
		return runServe(ctx, args[1:], s)
	}
	fs := newFlags("local", "--event FILE [--event FILE ...] [--plan FILE] [--world FILE] [--json] [--verbose]", localExamples, s)
	var eventFiles listFlag
	fs.Var(&eventFiles, "event", "an EventBridge event or manual payload (JSON file) to deliver to the launch function; repeat to deliver several in order")
	planFile := fs.String("plan", "", "plan file (default: the embedded example plan)")
	worldFile := fs.String("world", "", "world file describing the emulated organization and catalog (default: the embedded default world)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the story")
	verbose := fs.Bool("verbose", false, "also print the functions' JSON logs to stderr")
	if err := parse(fs, args); err != nil {
		return err
	}
	if len(eventFiles) == 0 {
		fs.Usage()
		return &exitError{2, errors.New("no --event given: name at least one event or payload file")}
	}
	payloads := make([]localrun.Payload, 0, len(eventFiles))
	for _, f := range eventFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("read event: %w", err)
		}
		if !json.Valid(b) {
			return fmt.Errorf("read event %s: not valid JSON", f)
		}
		payloads = append(payloads, localrun.Payload{Name: filepath.Base(f), Body: b})
	}
	pl, err := loadPlan(*planFile)
	if err != nil {
		return err
	}
	world, err := loadWorld(*worldFile)
	if err != nil {
		return err
	}
	var logger *slog.Logger
	if *verbose {
		logger = slog.New(slog.NewJSONHandler(s.Err, nil))
	}
	env, err := localrun.New(ctx, world, pl, logger)
	if err != nil {
		return err
	}
	var prog *progress
	if !*verbose { // the functions' logs would tear the line apart
		prog = newProgress(s)
	}
	if !*asJSON {
		env.Story = func(format string, a ...any) { prog.printf(s.Out, format+"\n", a...) }
	}
	stop := prog.follow(ctx, localProgress(env))
	res, err := env.Run(ctx, payloads)
	stop()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		localrun.WriteHuman(s.Out, res)
	}
	// A product that failed in Service Catalog is an outcome; a payload the
	// launch function rejected is bad input, and scripts should see it.
	rejected := 0
	for _, inv := range res.Invocations {
		if inv.Error != "" || inv.Response != nil && inv.Response.Outcome == launch.OutcomeInvalid {
			rejected++
		}
	}
	if rejected > 0 {
		return fmt.Errorf("the launch function rejected %d of %d payloads (see above)", rejected, len(res.Invocations))
	}
	return nil
}

// localProgress is the progress line of a local run: the AWS calls the
// functions made and the notifications they published so far.
func localProgress(env *localrun.Env) func() string {
	return func() string {
		calls := 0
		for _, n := range env.Cloud.Calls().Snapshot() {
			calls += n
		}
		return fmt.Sprintf("local: %d AWS calls, %d notifications", calls, len(env.Cloud.Topics().Messages(env.Config.TopicARN)))
	}
}

func loadPlan(path string) (*plan.Plan, error) {
	if path == "" {
		return plan.ExamplePlan()
	}
	return plan.Load(path)
}

func loadWorld(path string) (*localaws.World, error) {
	if path == "" {
		return localaws.DefaultWorld()
	}
	return localaws.LoadWorld(path)
}

// LaunchFunctionName is the name `landfall local serve` registers the launch
// function under, as the CDK stack names it.
const LaunchFunctionName = "landfall-launch"

func runServe(ctx context.Context, args []string, s Streams) error {
	fs := newFlags("local serve", "[--addr 127.0.0.1:4566] [--allow-host NAME[:PORT] ...] [--world FILE] [--plan FILE] [--speed N]",
		`  landfall local serve --speed 60
  export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
  aws sts get-caller-identity
  landfall invoke internal/lifecycle/samples/create-managed-account-succeeded.json   # finds landfall-launch in the Landfall stack`, s)
	addr := fs.String("addr", "127.0.0.1:4566", "address to listen on (loopback by default: the emulator has no authentication; anything else prints a warning)")
	var allowHosts listFlag
	fs.Var(&allowHosts, "allow-host", "also accept requests whose Host header names this host (NAME, with the server's port, or NAME:PORT); repeatable. Loopback addresses, localhost and the bound address are always accepted")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(s.Err, serveSafetyHelp)
	}
	worldFile := fs.String("world", "", "world file (default: the embedded default world)")
	planFile := fs.String("plan", "", "plan the served Landfall functions run with (default: the embedded example plan)")
	speed := fs.Float64("speed", 1, "run the emulated clock this many times faster than the wall clock (60: a minute per second)")
	logCalls := fs.Bool("log-calls", false, "also log every AWS call to stderr (thousands of lines a minute while the worker runs)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *speed < 1 {
		return &exitError{2, fmt.Errorf("--speed %v: must be 1 or more", *speed)}
	}
	world, err := loadWorld(*worldFile)
	if err != nil {
		return err
	}
	pl, err := loadPlan(*planFile)
	if err != nil {
		return err
	}
	opts := localaws.Options{Clock: clock.NewWall(*speed)}
	logger := slog.New(slog.NewTextHandler(s.Err, nil))
	if *logCalls {
		opts.Logger = logger
	}
	cloud, err := localaws.New(world, opts)
	if err != nil {
		return err
	}
	// A live local deployment: the launch function answers Lambda Invoke and
	// the worker drains the work queue as messages become visible.
	env, err := localrun.Attach(ctx, cloud, pl, logger)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	env.Story = func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(s.Out, format+"\n", a...)
	}
	// Each notification in full: what its subscribers would read.
	cloud.Topics().OnPublish(func(m topics.Message) {
		mu.Lock()
		defer mu.Unlock()
		writeNotification(s.Out, m)
	})
	cloud.RegisterFunction(LaunchFunctionName, env.LaunchHandler())
	// As deployed, the stack's outputs say where the deployment is, so
	// `landfall invoke` finds the function without --function.
	cloud.PutStack(DefaultStackName, map[string]string{
		OutputLaunchFunctionName: LaunchFunctionName,
		OutputWorkQueueURL:       env.Config.QueueURL,
		OutputSummaryTopicArn:    env.Config.TopicARN,
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	guarded, err := newGuard(cloud.Handler(), ln.Addr(), allowHosts)
	if err != nil {
		ln.Close()
		return &exitError{2, err}
	}
	if !isLoopback(ln.Addr()) {
		warnOffLoopback(s.Err, *addr, ln.Addr(), world.Organization.ManagementAccount)
	}
	fmt.Fprintf(s.Out, "local AWS listening on http://%s (management account %s, home region %s, clock x%v)\n"+
		"launch function %s registered (stack %s outputs it); the worker polls %s; Ctrl-C stops it\n",
		ln.Addr(), world.Organization.ManagementAccount, world.Organization.HomeRegion, *speed, LaunchFunctionName, DefaultStackName, env.Config.QueueURL)
	// Poll as often as a real event source would, in emulated time.
	interval := max(time.Duration(float64(time.Second) / *speed), 20*time.Millisecond)
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- env.Poll(pctx, interval) }()
	// The emulator's own handler, behind the guard (guard.go) that keeps
	// browser pages out; cloud.Serve would serve it unguarded.
	serveErr := localaws.ServeHandler(ctx, ln, guarded)
	stop()
	if pollErr := <-errc; pollErr != nil && serveErr == nil {
		return pollErr
	}
	return serveErr
}
