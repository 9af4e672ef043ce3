package launch

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/lifecycle/samples"
	"github.com/landfall/landfall/internal/runstate"
)

func readEvent(t *testing.T, name string) []byte {
	t.Helper()
	return samples.Event(name)
}

// TestUnusableEventsAreReportedAndAcknowledged hands Handle raw bytes the way
// a console test or a misrouted rule would: nothing the decoder can use must
// be retried (it would only fail again), but it must not vanish either.
func TestUnusableEventsAreReportedAndAcknowledged(t *testing.T) {
	tests := []struct {
		name, raw string
		wantErr   string // in the response's error and the notification
	}{
		{"not JSON", `not json at all`, "JSON"},
		{"empty", ``, ""},
		{"JSON list", `["a", "b"]`, ""},
		{"JSON string", `"CreateManagedAccount"`, ""},
		{"truncated envelope", `{"version":"0","id":"e-1","detail-type":"AWS Service Event via CloudTrail","source":"aws.controltower"`, ""},
		{"wrong source", `{"version":"0","id":"e-2","detail-type":"AWS Service Event via CloudTrail","source":"aws.ec2","account":"111111111111","time":"2018-08-30T21:42:18Z","region":"us-east-1","detail":{}}`, "aws.ec2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newOrg(0))
			resp, err := f.h.Handle(context.Background(), []byte(tt.raw))
			if err != nil {
				t.Fatalf("Handle returned an error (the event would be retried): %v", err)
			}
			if resp.Outcome != OutcomeInvalid || resp.Error == "" {
				t.Fatalf("response = %+v, want outcome %q with the problem", resp, OutcomeInvalid)
			}
			if tt.wantErr != "" && !strings.Contains(resp.Error, tt.wantErr) {
				t.Errorf("error %q does not mention %q", resp.Error, tt.wantErr)
			}
			if len(f.notifier.msgs) != 1 || f.notifier.msgs[0].Doc.Kind != "invalid-event" {
				t.Fatalf("notifications = %+v, want one invalid-event report", f.notifier.msgs)
			}
			if len(f.queue.sent) != 0 {
				t.Errorf("queued %d runs for an unusable event", len(f.queue.sent))
			}
		})
	}
}

func TestInvalidEventReportFailureIsRetried(t *testing.T) {
	f := newFixture(t, newOrg(0))
	f.notifier.err = errBoom
	_, err := f.h.Handle(context.Background(), []byte(`{"version":"0","id":"e-7","detail-type":"AWS Service Event via CloudTrail","source":"aws.ec2"}`))
	if !errors.Is(err, errBoom) || !strings.Contains(err.Error(), "report invalid event e-7") {
		t.Fatalf("error = %v, want the notifier's failure naming event e-7, so Lambda retries rather than losing the report", err)
	}
}

func TestAccountEvents(t *testing.T) {
	tests := []struct {
		name  string
		event string
		setup func(*fixture)
		// wantOutcome and wantErr are exclusive.
		wantOutcome string
		wantErr     string
		wantQueued  []string
		wantNotes   int
	}{
		{
			name: "created account gets a run", event: "create-managed-account-succeeded.json",
			wantOutcome: OutcomeQueued, wantQueued: []string{"222222222222"},
		},
		{
			// Acting on an account Organizations does not know would be a guess
			// with administrator rights: refused, and said once.
			name: "account Organizations does not know: refused and reported", event: "create-managed-account-succeeded.json",
			setup: func(f *fixture) {
				f.org.accounts = slices.DeleteFunc(f.org.accounts, func(a fakeAccount) bool { return a.id == "222222222222" })
			},
			wantOutcome: OutcomeRefused, wantNotes: 1,
		},
		{
			name: "Organizations failing is retried", event: "create-managed-account-succeeded.json",
			setup:   func(f *fixture) { f.org.fail["ListAccounts"] = errBoom },
			wantErr: "check account 222222222222",
		},
		{
			name: "queue failing is retried", event: "create-managed-account-succeeded.json",
			setup:   func(f *fixture) { f.queue.failAt, f.queue.err = 1, errBoom },
			wantErr: "boom",
		},
		{
			name: "failed creation is reported, not provisioned", event: "create-managed-account-failed.json",
			wantOutcome: OutcomeAccountFailed, wantNotes: 1,
		},
		{
			name: "failed creation whose report fails is retried", event: "create-managed-account-failed.json",
			setup:   func(f *fixture) { f.notifier.err = errBoom },
			wantErr: "report CreateManagedAccount failure for 333333333333",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newOrg(0))
			if tt.setup != nil {
				tt.setup(f)
			}
			resp, err := f.h.Handle(context.Background(), readEvent(t, tt.event))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Outcome != tt.wantOutcome {
				t.Errorf("outcome = %s (%s), want %s", resp.Outcome, resp.Message, tt.wantOutcome)
			}
			if got := strings.Join(f.queuedAccounts(), ","); got != strings.Join(tt.wantQueued, ",") {
				t.Errorf("queued %s, want %s", got, strings.Join(tt.wantQueued, ","))
			}
			for _, s := range f.queue.sent {
				if s.delay != 0 || s.run.Trigger != runstate.TriggerCreate || len(s.run.Targets) != 6 ||
					s.run.ID != "ct-0000000-0000-0000-1111-123456789012-222222222222" || s.run.Account.OU.Name != "Custom" {
					t.Errorf("queued run = %+v after %s", s.run, s.delay)
				}
			}
			if len(f.notifier.msgs) != tt.wantNotes {
				t.Errorf("notifications = %d, want %d", len(f.notifier.msgs), tt.wantNotes)
			}
		})
	}
}
