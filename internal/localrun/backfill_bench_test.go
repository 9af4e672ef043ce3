package localrun

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/plan"
)

// localBackfill runs a `landfall local` backfill of n accounts (the example
// plan: 2 products in 3 regions each) with the story printed, as the command
// prints it, to io.Discard. It returns the wall time and the process's CPU
// time (less disturbed by other load on a shared machine).
func localBackfill(tb testing.TB, n int) (wall, cpu time.Duration) {
	tb.Helper()
	w, err := localaws.DefaultWorld()
	if err != nil {
		tb.Fatal(err)
	}
	addFleet(w, n, nil)
	pl, err := plan.ExamplePlan()
	if err != nil {
		tb.Fatal(err)
	}
	// A summary per run, as when the benchmark was set (issue #14: telling
	// n summaries must cost time linear in n); a roll-up tells one.
	pl.Notifications.Backfills = plan.BackfillEach
	ctx := context.Background()
	env, err := New(ctx, w, pl, nil)
	if err != nil {
		tb.Fatal(err)
	}
	told := 0
	env.Story = func(format string, a ...any) {
		if strings.Contains(format, "SNS <-") {
			told++
		}
		fmt.Fprintf(io.Discard, format+"\n", a...)
	}
	began, cpu0 := time.Now(), cpuTime()
	res, err := env.Run(ctx, []Payload{{Name: "backfill", Body: backfillFleet}})
	if err != nil {
		tb.Fatal(err)
	}
	wall, cpu = time.Since(began), cpuTime()-cpu0
	if len(res.Runs) != n || told != n {
		tb.Fatalf("%d runs reported, %d summaries told; want %d of each", len(res.Runs), told, n)
	}
	return wall, cpu
}

// cpuTime is the CPU time the process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS makes the kernel restart the process's peak RSS (VmHWM) from
// its current RSS; it reports whether it could.
func resetPeakRSS() bool {
	debug.FreeOSMemory()
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS returns the process's peak resident set (VmHWM) in bytes, or 0.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkLocalBackfill runs a `landfall local` backfill of 100 and then
// 1,000 accounts and reports the wall and CPU time of each, their ratios
// (goal: at most 10.5 for 10x the accounts, i.e. linear; the CPU ratio is the
// steadier one on a busy machine), and the process's peak RSS during the
// 1,000-account run (Linux; goal at most 150 MiB). One iteration takes
// seconds: run it with -benchtime=1x.
func BenchmarkLocalBackfill(b *testing.B) {
	var small, large, smallCPU, largeCPU time.Duration
	var peak float64
	for b.Loop() {
		small, smallCPU = localBackfill(b, 100)
		measured := resetPeakRSS()
		large, largeCPU = localBackfill(b, 1000)
		if measured {
			peak = peakRSS()
		}
	}
	b.ReportMetric(small.Seconds(), "s/100acct")
	b.ReportMetric(large.Seconds(), "s/1000acct")
	b.ReportMetric(large.Seconds()/small.Seconds(), "growth/10x")
	b.ReportMetric(smallCPU.Seconds(), "cpu-s/100acct")
	b.ReportMetric(largeCPU.Seconds(), "cpu-s/1000acct")
	b.ReportMetric(largeCPU.Seconds()/smallCPU.Seconds(), "cpu-growth/10x")
	if peak > 0 {
		b.ReportMetric(peak/(1<<20), "peakRSS-MiB")
	}
}
