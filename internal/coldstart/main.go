// Command coldstart measures the functions' Lambda initialization on this
// machine: `make bench-coldstart` builds each bootstrap and the baseline
// (./internal/coldstart/baseline, the field note's init in Go) and runs this.
//
// For every run it serves a minimal Lambda Runtime API on 127.0.0.1, execs one
// bootstrap with the environment a deployed function has (fake credentials: no
// network is reached at init) and records the time from exec to the first
// GET /2018-06-01/runtime/invocation/next, and the process's peak RSS
// (VmHWM in /proc/<pid>/status) at that moment; then it kills the process.
// The binaries run interleaved, in a rotating order, so drift on a shared
// machine reaches all of them alike; it prints medians, ratios to the
// baseline measured in the same rounds, and the binaries' sizes.
//
// It is a benchmark, never a test, and it is not linked into the functions.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// The goals of issue #14.
const (
	goalInitRatio = 1.15
	goalRSSMiB    = 12
	goalArm64MB   = 11
)

const baselineName = "baseline"

func main() {
	var (
		dir      = flag.String("dir", "build/coldstart", "folder holding <host GOARCH>/<name> and arm64/<name> binaries")
		names    = flag.String("functions", "launch worker", "the functions' binaries to measure against the baseline, separated by spaces or commas")
		runs     = flag.Int("runs", 21, "measured runs of each binary, interleaved (after one warm-up round)")
		planFile = flag.String("plan", "internal/plan/example.yaml", "the plan file the functions load")
		trace    = flag.Int("inittrace", 12, "after the runs, show the N slowest package inits of each binary (GODEBUG=inittrace=1); 0 for none")
	)
	flag.Parse()
	if err := run(*dir, strings.Fields(strings.ReplaceAll(*names, ",", " ")), *runs, *planFile, *trace, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

// binary is one bootstrap under test and its measurements.
type binary struct {
	name      string
	path      string // built for this machine, the one that runs
	arm64     string // the deployed build, for its size
	initTimes []time.Duration
	hwm       []int64 // bytes
}

func run(dir string, names []string, runs int, planFile string, trace int, out io.Writer) error {
	if runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	plan, err := filepath.Abs(planFile)
	if err != nil {
		return err
	}
	if _, err := os.Stat(plan); err != nil {
		return fmt.Errorf("plan file: %w", err)
	}
	env, cleanup, err := lambdaEnv(plan)
	if err != nil {
		return err
	}
	defer cleanup()

	var bins []*binary
	for _, n := range append([]string{baselineName}, names...) {
		b := &binary{name: n, path: filepath.Join(dir, runtime.GOARCH, n), arm64: filepath.Join(dir, "arm64", n)}
		if _, err := os.Stat(b.path); err != nil {
			return fmt.Errorf("%s: %w (build it with `make bench-coldstart`)", n, err)
		}
		bins = append(bins, b)
	}

	// One warm-up round (page cache, CPU frequency), then rounds in a rotating order.
	for round := -1; round < runs; round++ {
		for i := range bins {
			b := bins[(i+max(round, 0))%len(bins)]
			m, err := measure(b.path, env, "")
			if err != nil {
				return fmt.Errorf("%s: %w", b.name, err)
			}
			if round >= 0 {
				b.initTimes = append(b.initTimes, m.init)
				b.hwm = append(b.hwm, m.hwm)
			}
		}
	}
	report(out, bins, runs)
	if trace > 0 {
		for _, b := range bins {
			m, err := measure(b.path, env, "inittrace=1")
			if err != nil {
				return fmt.Errorf("%s with inittrace: %w", b.name, err)
			}
			printInitTrace(out, b.name, m.stderr, trace)
		}
	}
	return nil
}

// lambdaEnv is the environment of a deployed function, and no more: nothing
// is inherited from the shell, so no profile or credentials file is read.
func lambdaEnv(plan string) ([]string, func(), error) {
	home, err := os.MkdirTemp("", "coldstart-home-")
	if err != nil {
		return nil, nil, err
	}
	env := []string{
		"HOME=" + home,
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"TZ=:UTC",
		"LANG=en_US.UTF-8",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=ASIAXXXXXXXXXXXXXXXX",
		"AWS_SECRET_ACCESS_KEY=coldstart-fake-secret",
		"AWS_SESSION_TOKEN=coldstart-fake-token",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_LAMBDA_FUNCTION_NAME=coldstart",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/coldstart",
		"AWS_LAMBDA_LOG_STREAM_NAME=coldstart",
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023",
		"LANDFALL_PLAN_FILE=" + plan,
		"LANDFALL_QUEUE_URL=https://sqs.us-east-1.amazonaws.com/111111111111/landfall-work",
		"LANDFALL_TOPIC_ARN=arn:aws:sns:us-east-1:111111111111:landfall-notifications",
		"LANDFALL_LEDGER_TABLE=landfall-ledger",
		"LANDFALL_LOG_LEVEL=info",
	}
	return env, func() { _ = os.RemoveAll(home) }, nil
}

// measurement is one cold start.
type measurement struct {
	init   time.Duration // exec to the first GET .../invocation/next
	hwm    int64         // peak RSS at that moment, bytes
	stderr string
}

type arrival struct {
	at  time.Time
	hwm int64
	err error
}

// measure execs path under a fresh Runtime API and returns once the process
// asked for its first invocation, killing it.
func measure(path string, env []string, godebug string) (measurement, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return measurement{}, err
	}
	var pid int
	ready := make(chan struct{})
	first := make(chan arrival, 1)
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		<-ready
		hwm, err := peakRSS(pid)
		select {
		case first <- arrival{at: at, hwm: hwm, err: err}:
		default:
		}
		// Hold the request: the function waits for an invocation that never comes.
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		close(release)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()

	if godebug != "" {
		env = append(slices.Clip(env), "GODEBUG="+godebug)
	}
	cmd := exec.Command(path)
	cmd.Env = append(slices.Clip(env), "AWS_LAMBDA_RUNTIME_API="+ln.Addr().String())
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	pid = cmd.Process.Pid
	close(ready)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	kill := func() error { _ = cmd.Process.Kill(); return <-exited }

	select {
	case a := <-first:
		_ = kill() // its exit status is "killed"
		if a.err != nil {
			return measurement{}, a.err
		}
		return measurement{init: a.at.Sub(start), hwm: a.hwm, stderr: stderr.String()}, nil
	case err := <-exited:
		return measurement{}, fmt.Errorf("exited before asking for an invocation (%v): %s", err, strings.TrimSpace(stderr.String()))
	case <-time.After(30 * time.Second):
		_ = kill()
		return measurement{}, errors.New("no GET .../invocation/next within 30s")
	}
}

// peakRSS reads VmHWM from /proc/<pid>/status.
func peakRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

func report(out io.Writer, bins []*binary, runs int) {
	base := bins[0]
	fmt.Fprintf(out, "cold start: exec to the first /invocation/next, %d interleaved runs each after a warm-up round, %s/%s, %d CPUs\n\n",
		runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "binary\tinit median\tp25-p75\tx baseline\tpaired x\tRSS peak\tx baseline\t%s size\tarm64 size\tx baseline\t\n", runtime.GOARCH)
	baseInit, baseRSS, baseArm := median(base.initTimes), median(base.hwm), fileSize(base.arm64)
	for _, b := range bins {
		in, rss, arm := median(b.initTimes), median(b.hwm), fileSize(b.arm64)
		paired := make([]float64, len(b.initTimes))
		for i := range b.initTimes {
			paired[i] = float64(b.initTimes[i]) / float64(base.initTimes[i])
		}
		fmt.Fprintf(tw, "%s\t%.1f ms\t%.1f-%.1f\t%.2f\t%.2f\t%.1f MiB\t%.2f\t%.1f MB\t%s\t%s\t\n",
			b.name, ms(in), ms(quantile(b.initTimes, 0.25)), ms(quantile(b.initTimes, 0.75)),
			float64(in)/float64(baseInit), median(paired), mib(rss), float64(rss)/float64(baseRSS),
			mb(fileSize(b.path)), sizeOrNone(arm), ratioOrNone(arm, baseArm))
	}
	_ = tw.Flush()
	fmt.Fprintf(out, "\n(paired x: median over rounds of the run's time / the same round's baseline time; MB = 10^6 bytes)\n")
	fmt.Fprintf(out, "goals: init <= %.2f x baseline, RSS at init <= %d MiB, arm64 binary <= %d MB\n", goalInitRatio, goalRSSMiB, goalArm64MB)
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, b := range bins[1:] {
		ratio := float64(median(b.initTimes)) / float64(baseInit)
		arm := fileSize(b.arm64)
		fmt.Fprintf(tw, "  %s\tinit %s\tRSS %s\tarm64 size %s\n", b.name,
			verdict(ratio <= goalInitRatio), verdict(mib(median(b.hwm)) <= goalRSSMiB), verdict(arm > 0 && mb(arm) <= goalArm64MB))
	}
	_ = tw.Flush()
}

// printInitTrace shows the slowest package inits from a GODEBUG=inittrace=1 run:
// lines "init <pkg> @<t> ms, <clock> ms clock, <n> bytes, <n> allocs".
func printInitTrace(out io.Writer, name, stderr string, top int) {
	type pkgInit struct {
		pkg   string
		clock float64
		bytes int64
	}
	var inits []pkgInit
	var total float64
	var totalBytes int64
	for line := range strings.Lines(stderr) {
		f := strings.Fields(line)
		if len(f) < 9 || f[0] != "init" || f[5] != "ms" || f[6] != "clock," {
			continue
		}
		clock, err1 := strconv.ParseFloat(f[4], 64)
		n, err2 := strconv.ParseInt(f[7], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		inits = append(inits, pkgInit{f[1], clock, n})
		total += clock
		totalBytes += n
	}
	slices.SortFunc(inits, func(a, b pkgInit) int { return -cmpFloat(a.clock, b.clock) })
	fmt.Fprintf(out, "\n%s: %d package inits, %.2f ms, %.1f MiB allocated (one run, GODEBUG=inittrace=1); slowest:\n", name, len(inits), total, mib(totalBytes))
	for _, p := range inits[:min(top, len(inits))] {
		fmt.Fprintf(out, "  %7.3f ms %9d B  %s\n", p.clock, p.bytes, p.pkg)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func median[T time.Duration | int64 | float64](xs []T) T { return quantile(xs, 0.5) }

// quantile is the nearest-rank quantile of xs (the middle one for 0.5 and an odd count).
func quantile[T time.Duration | int64 | float64](xs []T, q float64) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1)+0.5)]
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func sizeOrNone(n int64) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f MB", mb(n))
}

func ratioOrNone(n, base int64) string {
	if n == 0 || base == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(n)/float64(base))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mib(n int64) float64        { return float64(n) / (1 << 20) }
func mb(n int64) float64         { return float64(n) / 1e6 }
