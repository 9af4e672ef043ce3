package notify

import (
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/runstate"
)

// TestASummaryNamesWhoAsked: a manual run's summary says who the
// invocation says asked, in the text and the document.
func TestASummaryNamesWhoAsked(t *testing.T) {
	run := sampleRun("LifeCycle1")
	run.Trigger, run.EventID = runstate.TriggerManual, ""
	run.RequestedBy = "arn:aws:sts::111111111111:assumed-role/Ops/jane"
	m := FitRunSummary(run, t0)
	if !strings.Contains(m.Text, "requested by arn:aws:sts::111111111111:assumed-role/Ops/jane") || m.Doc.Run.RequestedBy != run.RequestedBy {
		t.Errorf("summary does not name who asked:\n%s", m.Text)
	}
	if m := FitRunSummary(sampleRun("LifeCycle1"), t0); strings.Contains(m.Text, "requested by") {
		t.Errorf("an event run names nobody:\n%s", m.Text)
	}
}
