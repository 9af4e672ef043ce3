package provision

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// fakeSTS answers every request with AssumeRole credentials valid far into
// the future (so only Sessions decides when a role is assumed again) and
// counts the calls.
type fakeSTS struct{ calls atomic.Int64 }

const assumeRoleXML = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIAFAKE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROAFAKE:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`

func (f *fakeSTS) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	f.calls.Add(1)
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"text/xml"}},
		Body: io.NopCloser(strings.NewReader(assumeRoleXML)), Request: req,
	}, nil
}

// setClock is a settable clock for Sessions.Now.
type setClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *setClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *setClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

func newFakeSessions() (*Sessions, *fakeSTS, *setClock) {
	sts := &fakeSTS{}
	clk := &setClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := &Sessions{
		Base: aws.Config{
			Region:      "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("AKIDMGMT", "secret", ""),
			HTTPClient:  sts,
		},
		RoleName: "landfall-execution",
		Now:      clk.Now,
	}
	return s, sts, clk
}

// The worker's access pattern on a session: a run opens its account's
// session (same account, same session name) once per step. The offsets are
// the steps of an example-plan run on the emulator (`landfall local`):
// continuations 30 s doubling (workqueue.Backoff), reset after progress.
var (
	// stepsWithinReuse is a run that ends within maxReuse (7 minutes).
	stepsWithinReuse = []time.Duration{0, 30 * time.Second, 90 * time.Second, 210 * time.Second, 240 * time.Second, 300 * time.Second, 420 * time.Second}
	// stepsExampleRun is the example plan's 11-minute run, still within
	// maxReuse: the role is assumed once.
	stepsExampleRun = append(slices.Clone(stepsWithinReuse), 660*time.Second)
)

// squeezedRelease is when the i-th of n backfill runs first reaches a
// worker in the worst case for the cache: waves of five squeezed into SQS's
// 900 s delay limit, so the whole fleet is in flight at once.
func squeezedRelease(i, n int) time.Duration {
	const per = 5
	waves := (n + per - 1) / per
	if waves <= 1 {
		return 0
	}
	return 900 * time.Second * time.Duration(i/per) / time.Duration(waves-1)
}

type openEvent struct {
	at  time.Duration
	run int
}

// fleetOpens is every Open of a backfill of n runs, in time order.
func fleetOpens(n int, steps []time.Duration) []openEvent {
	ev := make([]openEvent, 0, n*len(steps))
	for i := range n {
		for _, off := range steps {
			ev = append(ev, openEvent{at: squeezedRelease(i, n) + off, run: i})
		}
	}
	slices.SortStableFunc(ev, func(a, b openEvent) int { return int(a.at - b.at) })
	return ev
}

// floorAssumes is how many AssumeRole calls a cache that never evicts makes
// for opens: one per run, plus one each time a step comes maxReuse or more
// after the session was assumed.
func floorAssumes(opens []openEvent) int {
	created := map[int]time.Duration{}
	n := 0
	for _, o := range opens {
		if c, ok := created[o.run]; ok && o.at-c < maxReuse {
			continue
		}
		created[o.run] = o.at
		n++
	}
	return n
}

// replayFleet drives Sessions through opens as the worker does (Config, then
// Check retrieves the credentials) and returns the AssumeRole calls made.
func replayFleet(tb testing.TB, opens []openEvent) int {
	s, sts, clk := newFakeSessions()
	ctx := context.Background()
	start := clk.Now()
	for _, o := range opens {
		clk.Set(start.Add(o.at))
		account := fmt.Sprintf("%012d", 100000000000+o.run)
		cfg := s.Config(account, SessionName(fmt.Sprintf("backfill-%d-%s", o.run, account)))
		if err := s.Check(ctx, cfg, account); err != nil {
			tb.Fatal(err)
		}
	}
	return int(sts.calls.Load())
}

// BenchmarkSessionsBackfill counts AssumeRole calls per account for a
// backfill of 250 to 1,000 accounts (5 regions x 2 products: one Open per
// step, whatever the targets), with the whole fleet in flight at once. A
// faithful model of the worker on the emulator, without the emulator: the
// real Sessions, the real SDK and STS client, a fake STS endpoint, and the
// step times of an emulated run. floor/acct is what a cache that never
// evicts does: the goal is assume/acct <= 1.05 for a run within maxReuse,
// and assume/acct == floor/acct (no thrash) for any run.
func BenchmarkSessionsBackfill(b *testing.B) {
	for _, run := range []struct {
		name  string
		steps []time.Duration
	}{{"run=7m", stepsWithinReuse}, {"run=11m", stepsExampleRun}} {
		for _, n := range []int{250, 500, 1000} {
			b.Run(fmt.Sprintf("%s/accounts=%d", run.name, n), func(b *testing.B) {
				opens := fleetOpens(n, run.steps)
				floor := floorAssumes(opens)
				var calls int
				for b.Loop() {
					calls = replayFleet(b, opens)
				}
				b.ReportMetric(float64(calls)/float64(n), "assume/acct")
				b.ReportMetric(float64(floor)/float64(n), "floor/acct")
			})
		}
	}
}
