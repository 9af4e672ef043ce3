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

var notificationKeys = []string{"unchangedEventRuns"}

// notifications reads the plan's notifications section.
func (p *parser) notifications(n *yaml.Node, at string) Notifications {
	out := Notifications{UnchangedEventRuns: NotifySkip}
	f := p.fields(n, at, notificationKeys)
	if v := f["unchangedEventRuns"]; v != nil {
		out.UnchangedEventRuns = p.notifyChoice(v, at+".unchangedEventRuns", NotifySkip)
	}
	return out
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
