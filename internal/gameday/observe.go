package gameday

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// Where a run that did not finish waits.
const (
	parkedDLQ       = "DLQ"
	parkedOnFailure = "on-failure"
)

// rolledUp is a backfill run whose story is its backfill's one roll-up.
const rolledUp = "rolled-up"

// runSeen is everything the scenario left about one run.
type runSeen struct {
	id, account string
	targets     int
	// state is the latest state known (ledger, worker, parked message).
	state *runstate.Run
	// finished is the run as the worker finished it; nil if it never did.
	finished *runstate.Run
	// ledgerStatus and ledgerSummary are the ledger's status and summary
	// ("sent", "skipped") of the run; empty without a ledger item.
	ledgerStatus, ledgerSummary string
	ledgerStep, ledgerSent      int
	// parked is where the run waits (parkedDLQ, parkedOnFailure), if it does.
	parked    string
	summaries int
	// rollUps counts the roll-ups of the run's backfill on the topic.
	rollUps int
}

// runsSeen collects the runs of a scenario, in the order first seen.
type runsSeen struct {
	byID  map[string]*runSeen
	order []string
	// rollUps counts the roll-ups on the topic per backfill request.
	rollUps map[string]int
}

func (rs *runsSeen) get(id string) *runSeen {
	if r, ok := rs.byID[id]; ok {
		return r
	}
	r := &runSeen{id: id, ledgerStep: -1, ledgerSent: -1}
	rs.byID[id] = r
	rs.order = append(rs.order, id)
	return r
}

func (r *runSeen) know(run *runstate.Run) {
	r.state, r.account, r.targets = run, run.Account.ID, len(run.Targets)
}

// collect reads the runs from the ledger, the worker, the dead-letter queue
// and the launch function's on-failure queue.
func (p *play) collect(ctx context.Context) (*runsSeen, []string, error) {
	rs := &runsSeen{byID: map[string]*runSeen{}}
	var problems []string
	org := p.world.Organization
	for _, it := range p.env.Cloud.Tables().Items(org.ManagementAccount, org.HomeRegion, p.env.Config.LedgerTable) {
		if !strings.HasPrefix(it[ledger.AttrPK].Text(), "RUN#") {
			continue
		}
		r := rs.get(it["runId"].Text())
		r.ledgerStatus, r.ledgerSummary = it["status"].Text(), it["summary"].Text()
		r.ledgerStep, r.ledgerSent = number(it["step"]), number(it["sent"])
		run, err := runstate.Decode([]byte(it["state"].Text()))
		if err != nil {
			return nil, nil, fmt.Errorf("ledger run %s: %w", r.id, err)
		}
		r.know(run)
	}
	for _, run := range p.env.Finished() {
		r := rs.get(run.ID)
		r.know(run)
		r.finished = run
	}
	for _, m := range p.env.Cloud.Queues().Messages(p.queueURL(localrun.DLQName)) {
		run, err := runstate.Decode([]byte(m.Body))
		if err != nil {
			problems = append(problems, fmt.Sprintf("an unreadable message waits in the dead-letter queue: %v", err))
			continue
		}
		r := rs.get(run.ID)
		if r.state == nil {
			r.know(run)
		}
		r.parked = parkedDLQ
	}
	for _, m := range p.env.Cloud.Queues().Messages(p.queueURL(OnFailureQueue)) {
		account, runID, err := parkedEvent([]byte(m.Body))
		if err != nil {
			problems = append(problems, fmt.Sprintf("the launch function's on-failure queue holds an invocation the game day cannot read: %v", err))
			continue
		}
		r := rs.get(runID)
		r.parked = parkedOnFailure
		if r.state == nil {
			n, err := p.plannedFor(ctx, account)
			if err != nil {
				return nil, nil, err
			}
			r.account, r.targets = account, n
		}
	}
	// An event whose run is nowhere (not recorded, not parked: dropped)
	// still planned what the plan gives its account.
	p.mu.Lock()
	events := maps.Clone(p.events)
	p.mu.Unlock()
	for _, id := range slices.Sorted(maps.Keys(events)) {
		if _, ok := rs.byID[id]; ok {
			continue
		}
		n, err := p.plannedFor(ctx, events[id])
		if err != nil {
			return nil, nil, err
		}
		if n > 0 {
			r := rs.get(id)
			r.account, r.targets = events[id], n
		}
	}
	return rs, problems, nil
}

// parkedEvent reads an invocation record of the launch function's
// on-failure destination: the account of the lifecycle event it carries,
// and the ID of the run the launch function gives that event.
func parkedEvent(body []byte) (account, runID string, err error) {
	var rec struct {
		RequestPayload struct {
			ID     string `json:"id"`
			Detail struct {
				EventID             string `json:"eventID"`
				ServiceEventDetails map[string]struct {
					Account struct {
						AccountID string `json:"accountId"`
					} `json:"account"`
				} `json:"serviceEventDetails"`
			} `json:"detail"`
		} `json:"requestPayload"`
	}
	if err := json.Unmarshal(body, &rec); err != nil {
		return "", "", fmt.Errorf("decode invocation record: %w", err)
	}
	for _, d := range rec.RequestPayload.Detail.ServiceEventDetails {
		account = d.Account.AccountID
	}
	// The event's ID as lifecycle.Decode takes it: CloudTrail's, else
	// the envelope's.
	id := cmp.Or(rec.RequestPayload.Detail.EventID, rec.RequestPayload.ID)
	if account == "" || id == "" {
		return "", "", fmt.Errorf("invocation record without a lifecycle event's ID and account")
	}
	// The launch function's run ID for an event (launch.runID): the
	// game day's event IDs need no cleaning.
	return account, "ct-" + id + "-" + account, nil
}

// plannedFor counts the targets the plan gives account: the run a parked
// event would have made.
func (p *play) plannedFor(ctx context.Context, account string) (int, error) {
	dir := directory.ForPlan(organizations.NewFromConfig(p.env.AWS), p.env.Plan)
	acct, err := dir.Account(ctx, account)
	if err != nil {
		return 0, fmt.Errorf("count the planned targets of a parked event: %w", err)
	}
	targets, _, err := p.env.Plan.Placements(acct, plan.Filter{})
	if err != nil {
		return 0, fmt.Errorf("count the planned targets of a parked event for %s: %w", account, err)
	}
	return len(targets), nil
}

// countSummaries counts the run summaries on the topic per run.
func (p *play) countSummaries(rs *runsSeen) ([]string, error) {
	notes, err := p.env.Notifications()
	if err != nil {
		return nil, err
	}
	var problems []string
	rs.rollUps = map[string]int{}
	for _, n := range notes {
		if n.Document.Kind == notify.KindRollUp && n.Document.RollUp != nil {
			rs.rollUps[n.Document.RollUp.RequestID]++
			continue
		}
		if n.Document.Kind != "run-summary" {
			continue
		}
		id := n.Attributes[notify.AttrRun]
		r, ok := rs.byID[id]
		if !ok {
			problems = append(problems, fmt.Sprintf("summary %q (run %q) is about no run the scenario made", n.Subject, id))
			continue
		}
		r.summaries++
	}
	for _, r := range rs.byID {
		if r.state != nil && r.state.RequestID != "" {
			r.rollUps = rs.rollUps[r.state.RequestID]
		}
	}
	return problems, nil
}

// ok reports whether a target status is a good outcome.
func ok(s runstate.Status) bool {
	return s == runstate.Succeeded || s == runstate.AlreadyProvisioned || s == runstate.Outdated
}

// lost returns the targets of r that are lost, and why.
func (r *runSeen) lost() (int, string) {
	switch {
	case r.finished != nil:
		n := 0
		for _, t := range r.finished.Targets {
			if !t.Status.Final() {
				n++
			}
		}
		if n > 0 {
			return n, fmt.Sprintf("run %s finished with %d targets not final", r.id, n)
		}
		return 0, ""
	case r.parked != "":
		return 0, ""
	}
	var open []string
	if r.state != nil {
		for _, t := range r.state.Targets {
			open = append(open, fmt.Sprintf("%s %s", t.Key(), t.Status))
		}
	}
	return r.targets, fmt.Sprintf("run %s (account %s) never finished and is not parked: ledger %s at step %d (sent %d), %d summaries; targets: %s",
		r.id, r.account, cmp.Or(r.ledgerStatus, "has no item"), r.ledgerStep, r.ledgerSent, r.summaries, strings.Join(open, ", "))
}

// summaryVerdict says whether r told its story the right number of times.
func (r *runSeen) summaryVerdict() (kind, problem string) {
	switch {
	case r.summaries == 1:
		return "1", ""
	case r.summaries == 0 && r.finished == nil && r.parked != "":
		return r.parked, ""
	case r.summaries == 0 && r.finished != nil && r.ledgerSummary == ledger.SummarySkipped:
		return "quiet", ""
	case r.summaries == 0 && r.finished != nil && r.ledgerSummary == ledger.SummaryRolledUp && r.rollUps == 1:
		return rolledUp, ""
	case r.summaries == 0 && r.ledgerSummary == ledger.SummaryRolledUp:
		return fmt.Sprint(r.rollUps), fmt.Sprintf("run %s (account %s) is in a backfill whose roll-up went out %d times", r.id, r.account, r.rollUps)
	}
	return fmt.Sprint(r.summaries), fmt.Sprintf("run %s (account %s) sent %d summaries (worker finished it: %t, ledger %s/%s, parked: %s)",
		r.id, r.account, r.summaries, r.finished != nil, cmp.Or(r.ledgerStatus, "-"), cmp.Or(r.ledgerSummary, "-"), cmp.Or(r.parked, "no"))
}

// duplicates counts provisioned products beyond one per account, region
// and catalog product, and names them.
func (p *play) duplicates() (int, []string) {
	seen := map[string][]string{}
	var keys []string
	for _, pp := range p.env.Cloud.Catalog().AllProvisionedProducts(p.env.Clock.Now()) {
		k := pp.Account + " " + pp.Region + " " + pp.ProductName
		if _, ok := seen[k]; !ok {
			keys = append(keys, k)
		}
		seen[k] = append(seen[k], fmt.Sprintf("%s (%s, %s)", pp.ID, pp.Name, pp.Status))
	}
	n := 0
	var problems []string
	for _, k := range slices.Sorted(slices.Values(keys)) {
		if extra := len(seen[k]) - 1; extra > 0 {
			n += extra
			problems = append(problems, fmt.Sprintf("%s is provisioned %d times: %s", k, len(seen[k]), strings.Join(seen[k], ", ")))
		}
	}
	return n, problems
}

// number reads an N attribute; a missing one is -1.
func number(v interface{ Text() string }) int {
	n, err := strconv.Atoi(v.Text())
	if err != nil {
		return -1
	}
	return n
}
