package plan

import "go.yaml.in/yaml/v3"

// Notifications is the plan's notification policy: which runs tell people.
type Notifications struct {
	// UnchangedEventRuns says whether a run started by a Control Tower event
	// that changed nothing (every target already provisioned) sends its
	// summary. Such runs come from replayed or duplicate events and from
	// UpdateManagedAccount on an account that already has everything; they
	// are logged and counted in the metrics either way.
	UnchangedEventRuns NotifyChoice
	// Backfills says how the runs of a backfill (a manual invocation over
	// OUs or the whole organization) tell people: one roll-up when all of
	// them have finished, each run's own summary, or the roll-up and the
	// summary of each run that did not succeed.
	Backfills BackfillChoice
}

// BackfillChoice is how a backfill's runs are told.
type BackfillChoice string

const (
	// BackfillRollUp sends one roll-up per backfill (the default): a
	// 200-account backfill is one email, its failures grouped by cause.
	BackfillRollUp BackfillChoice = "rollup"
	// BackfillEach sends every run's summary, as for a single account.
	BackfillEach BackfillChoice = "each"
	// BackfillRollUpAndFailures sends the roll-up and the summary of each
	// run that was not SUCCEEDED, for teams that route per-account failures.
	BackfillRollUpAndFailures BackfillChoice = "rollupAndFailures"
)

// RollsUpBackfills reports whether a backfill sends a roll-up.
func (n Notifications) RollsUpBackfills() bool { return n.Backfills != BackfillEach }

// SendsBackfillRun reports whether a backfill run with this outcome sends
// its own summary.
func (n Notifications) SendsBackfillRun(outcome string) bool {
	switch n.Backfills {
	case BackfillEach:
		return true
	case BackfillRollUpAndFailures:
		return outcome != "SUCCEEDED"
	}
	return false
}

// NotifyChoice is whether a kind of run sends its summary.
type NotifyChoice string

const (
	// NotifySkip sends nothing (the default for unchanged event runs).
	NotifySkip NotifyChoice = "skip"
	// NotifySend sends the summary.
	NotifySend NotifyChoice = "send"
)

// SendsUnchangedEventRuns reports whether an event run that changed nothing
// sends its summary; a plan that does not say (the zero value) skips it.
func (n Notifications) SendsUnchangedEventRuns() bool { return n.UnchangedEventRuns == NotifySend }

var notificationKeys = []string{"unchangedEventRuns", "backfills"}

// notifications reads the plan's notifications section.
func (p *parser) notifications(n *yaml.Node, at string) Notifications {
	out := Notifications{UnchangedEventRuns: NotifySkip, Backfills: BackfillRollUp}
	f := p.fields(n, at, notificationKeys)
	if v := f["unchangedEventRuns"]; v != nil {
		out.UnchangedEventRuns = p.notifyChoice(v, at+".unchangedEventRuns", NotifySkip)
	}
	if v := f["backfills"]; v != nil {
		out.Backfills = p.backfillChoice(v, at+".backfills")
	}
	return out
}

func (p *parser) backfillChoice(n *yaml.Node, at string) BackfillChoice {
	s, ok := p.str(n, at)
	if !ok {
		return BackfillRollUp
	}
	switch c := BackfillChoice(s); c {
	case BackfillRollUp, BackfillEach, BackfillRollUpAndFailures:
		return c
	}
	p.add(n, at, "%q is not a backfill notification choice; use rollup (one notification per backfill), each (every run's summary) or rollupAndFailures (the roll-up and each run that did not succeed)", s)
	return BackfillRollUp
}

func (p *parser) notifyChoice(n *yaml.Node, at string, def NotifyChoice) NotifyChoice {
	s, ok := p.str(n, at)
	if !ok {
		return def
	}
	switch NotifyChoice(s) {
	case NotifySkip, NotifySend:
		return NotifyChoice(s)
	}
	p.add(n, at, "%q is not a notification choice; use skip (log and count the run, send nothing) or send", s)
	return def
}
