package queues

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestIndexMatchesScan drives a queue with a dead-letter queue through
// random sends, receives (some delivering a message twice), deletes,
// visibility changes, expiries and clock moves (backwards too), and checks every receive and NextVisibleAt against
// what a scan of the messages in send order gives, and the index against
// the messages after every step.
func TestIndexMatchesScan(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 1))
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			s := &Queues{queues: map[string]*queue{}, deleted: map[string]time.Time{}}
			q := newQueue("111111111111", "us-east-1", "work", now)
			dlq := newQueue("111111111111", "us-east-1", "work-dlq", now)
			q.attrs["MessageRetentionPeriod"] = "600"
			q.redrive = &redrivePolicy{target: dlq.arn, maxReceiveCount: 2}
			s.queues[q.key()], s.queues[dlq.key()] = q, dlq
			n := 0
			for step := range 400 {
				switch op := rng.IntN(10); {
				case op < 3:
					n++
					m := &message{id: "m" + strconv.Itoa(n), ref: "m" + strconv.Itoa(n), sentAt: now, visibleAt: now.Add(time.Duration(rng.IntN(30)) * time.Second)}
					q.expire(now)
					q.push(m)
				case op < 6:
					limit, visibility := 1+rng.IntN(10), rng.IntN(20)
					q.expire(now)
					wantRefs, wantMoved := scanReceive(q, now, limit)
					got := s.receive(q, now, limit, visibility, func() bool { return rng.IntN(4) == 0 })
					var gotRefs []string
					for _, r := range got {
						gotRefs = append(gotRefs, r.msg.ref)
					}
					if !slices.Equal(gotRefs, wantRefs) {
						t.Fatalf("step %d: received %v, want %v", step, gotRefs, wantRefs)
					}
					for _, ref := range wantMoved {
						if dlq.find(ref) == nil || q.find(ref) != nil {
							t.Fatalf("step %d: %s not moved to the dead-letter queue", step, ref)
						}
					}
				case op < 7 && len(q.messages) > 0:
					q.remove(q.messages[rng.IntN(len(q.messages))])
				case op < 8 && len(q.messages) > 0:
					q.expire(now)
					q.setVisibleAt(q.messages[rng.IntN(len(q.messages))], now.Add(time.Duration(rng.IntN(20))*time.Second))
				case op < 9:
					now = now.Add(time.Duration(rng.IntN(120)) * time.Second)
				default:
					now = now.Add(-time.Duration(rng.IntN(5)) * time.Second)
				}
				for _, qq := range []*queue{q, dlq} {
					qq.expire(now)
					checkIndex(t, step, qq, now)
				}
			}
		})
	}
}

// scanReceive is what receive does, by a scan in send order: the refs of
// the messages it receives and of those it moves to the dead-letter queue.
func scanReceive(q *queue, now time.Time, limit int) (received, moved []string) {
	for _, m := range q.messages {
		if len(received) == limit || m.visibleAt.After(now) {
			continue
		}
		if m.receiveCount >= q.redrive.maxReceiveCount {
			moved = append(moved, m.ref)
			continue
		}
		received = append(received, m.ref)
	}
	return received, moved
}

func checkIndex(t *testing.T, step int, q *queue, now time.Time) {
	t.Helper()
	if len(q.idx.byID) != len(q.messages) || q.idx.ready.Len()+q.idx.hidden.Len() != len(q.messages) {
		t.Fatalf("step %d: %s: %d messages, %d by ID, %d ready, %d hidden", step, q.name, len(q.messages), len(q.idx.byID), q.idx.ready.Len(), q.idx.hidden.Len())
	}
	var next time.Time
	for i, m := range q.messages {
		if i > 0 && q.messages[i-1].seq >= m.seq {
			t.Fatalf("step %d: %s: messages out of send order", step, q.name)
		}
		if q.idx.byID[m.ref] != m {
			t.Fatalf("step %d: %s: %s not indexed by ID", step, q.name, m.id)
		}
		if !now.Before(m.sentAt.Add(time.Duration(q.intAttr("MessageRetentionPeriod")) * time.Second)) {
			t.Fatalf("step %d: %s: %s outlived the retention period", step, q.name, m.id)
		}
		want, h := inReady, &q.idx.ready
		if m.visibleAt.After(now) {
			want, h = inHidden, &q.idx.hidden
			if next.IsZero() || m.visibleAt.Before(next) {
				next = m.visibleAt
			}
		}
		if m.where != want || h.items[m.slot] != m {
			t.Fatalf("step %d: %s: %s indexed in %d, want %d", step, q.name, m.id, m.where, want)
		}
	}
	got := time.Time{}
	if q.idx.hidden.Len() > 0 {
		got = q.idx.hidden.min().visibleAt
	}
	if !got.Equal(next) {
		t.Fatalf("step %d: %s: next visible at %v, want %v", step, q.name, got, next)
	}
}
