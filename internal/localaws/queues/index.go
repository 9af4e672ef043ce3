package queues

import (
	"container/heap"
	"slices"
	"time"
)

// The messages of a queue are indexed so that the requests of a busy queue
// do not scan every message: q.messages stays in send order (by seq) for
// the snapshots, byID finds a message from a receipt handle (by ref), and two heaps
// split the messages at q.syncedAt, the time the queue was last brought up
// to date: ready holds the visible ones by seq (receive order) and hidden
// the delayed and in-flight ones by the time they become visible.

// Where a message is indexed.
const (
	inNone = iota
	inReady
	inHidden
)

// msgHeap is a heap of messages that records each message's position in it
// (message.slot), so that a message can be removed or moved in O(log n).
type msgHeap struct {
	items []*message
	less  func(a, b *message) bool
}

func (h *msgHeap) Len() int           { return len(h.items) }
func (h *msgHeap) Less(i, j int) bool { return h.less(h.items[i], h.items[j]) }
func (h *msgHeap) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].slot, h.items[j].slot = i, j
}

func (h *msgHeap) Push(x any) {
	m := x.(*message)
	m.slot = len(h.items)
	h.items = append(h.items, m)
}

func (h *msgHeap) Pop() any {
	n := len(h.items) - 1
	m := h.items[n]
	h.items[n] = nil
	h.items = h.items[:n]
	m.slot = -1
	return m
}

func (h *msgHeap) min() *message { return h.items[0] }

func bySeq(a, b *message) bool { return a.seq < b.seq }

func byVisibleAt(a, b *message) bool {
	if a.visibleAt.Equal(b.visibleAt) {
		return a.seq < b.seq
	}
	return a.visibleAt.Before(b.visibleAt)
}

// index is the per-queue message index.
type index struct {
	byID   map[string]*message
	ready  msgHeap
	hidden msgHeap
	// syncedAt is the time ready and hidden split the messages at: ready
	// holds exactly the messages visible then.
	syncedAt time.Time
	nextSeq  uint64
	// oldestSent is at most the sent time of every message, so expire can
	// tell without a scan that no message has outlived the retention period.
	oldestSent time.Time
}

func newIndex() index {
	return index{
		byID:   map[string]*message{},
		ready:  msgHeap{less: bySeq},
		hidden: msgHeap{less: byVisibleAt},
	}
}

// place indexes m as visible or hidden at q.syncedAt.
func (q *queue) place(m *message) {
	if m.visibleAt.After(q.idx.syncedAt) {
		m.where = inHidden
		heap.Push(&q.idx.hidden, m)
	} else {
		m.where = inReady
		heap.Push(&q.idx.ready, m)
	}
}

// unplace takes m out of the heap it is in.
func (q *queue) unplace(m *message) {
	switch m.where {
	case inReady:
		heap.Remove(&q.idx.ready, m.slot)
	case inHidden:
		heap.Remove(&q.idx.hidden, m.slot)
	}
	m.where = inNone
}

// push appends m to the queue as its newest message.
func (q *queue) push(m *message) {
	if len(q.messages) == 0 || m.sentAt.Before(q.idx.oldestSent) {
		q.idx.oldestSent = m.sentAt
	}
	m.seq = q.idx.nextSeq
	q.idx.nextSeq++
	q.messages = append(q.messages, m)
	q.idx.byID[m.ref] = m
	q.place(m)
}

// remove deletes m from the queue.
func (q *queue) remove(m *message) {
	q.unplace(m)
	delete(q.idx.byID, m.ref)
	if i, found := slices.BinarySearchFunc(q.messages, m.seq, func(e *message, seq uint64) int {
		switch {
		case e.seq < seq:
			return -1
		case e.seq > seq:
			return 1
		}
		return 0
	}); found {
		q.messages = slices.Delete(q.messages, i, i+1)
	}
}

// setVisibleAt changes when m becomes visible, keeping the index.
func (q *queue) setVisibleAt(m *message, t time.Time) {
	q.unplace(m)
	m.visibleAt = t
	q.place(m)
}

// sync brings the split of ready and hidden messages to now. Time normally
// only moves forward, and then the messages that became visible move over;
// should it go back, the index is rebuilt.
func (q *queue) sync(now time.Time) {
	if now.Before(q.idx.syncedAt) {
		q.reindex(now)
		return
	}
	q.idx.syncedAt = now
	for q.idx.hidden.Len() > 0 && !q.idx.hidden.min().visibleAt.After(now) {
		m := heap.Pop(&q.idx.hidden).(*message)
		m.where = inReady
		heap.Push(&q.idx.ready, m)
	}
}

// reindex rebuilds the index of q.messages at now.
func (q *queue) reindex(now time.Time) {
	byID := make(map[string]*message, len(q.messages))
	ready, hidden := q.idx.ready.items[:0], q.idx.hidden.items[:0]
	clear(q.idx.ready.items[:cap(q.idx.ready.items)])
	clear(q.idx.hidden.items[:cap(q.idx.hidden.items)])
	for _, m := range q.messages {
		byID[m.ref] = m
		if m.visibleAt.After(now) {
			m.where, m.slot = inHidden, len(hidden)
			hidden = append(hidden, m)
		} else {
			m.where, m.slot = inReady, len(ready)
			ready = append(ready, m)
		}
	}
	q.idx.byID, q.idx.ready.items, q.idx.hidden.items, q.idx.syncedAt = byID, ready, hidden, now
	heap.Init(&q.idx.ready)
	heap.Init(&q.idx.hidden)
	if len(q.messages) > 0 {
		q.idx.oldestSent = q.messages[0].sentAt
		for _, m := range q.messages {
			if m.sentAt.Before(q.idx.oldestSent) {
				q.idx.oldestSent = m.sentAt
			}
		}
	}
}

// clearMessages drops every message (PurgeQueue).
func (q *queue) clearMessages() {
	for _, m := range q.messages {
		m.where, m.slot = inNone, -1
	}
	q.messages = nil
	q.idx.byID = map[string]*message{}
	q.idx.ready.items, q.idx.hidden.items = nil, nil
}
