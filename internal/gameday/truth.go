package gameday

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/topics"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/runstate"
)

// truth checks every run summary against the emulator at the moment SNS
// accepts it: later steps (an update run, a record finishing after a
// timeout) may change the world, and a summary is only asked to have been
// true when it was told.
type truth struct {
	p *play

	mu       sync.Mutex
	lines    int
	problems []string
}

// observe is the topic's publish hook.
func (tr *truth) observe(m topics.Message) {
	if m.TopicARN != tr.p.env.Config.TopicARN {
		return
	}
	var doc notify.Document
	if err := json.Unmarshal([]byte(topics.Delivered(m, "sqs")), &doc); err != nil {
		return
	}
	if doc.Kind == notify.KindRollUp {
		tr.observeRollUp(m, doc)
		return
	}
	if doc.Kind != "run-summary" {
		return
	}
	var problems []string
	switch {
	case doc.Run == nil || doc.Account == nil:
		problems = append(problems, fmt.Sprintf("summary %q names no run or account", m.Subject))
	default:
		for _, line := range doc.Targets {
			if why := tr.check(doc.Run.ID, doc.Account.ID, line, m.PublishedAt); why != "" {
				problems = append(problems, fmt.Sprintf("run %s says %s/%s %s, but %s", doc.Run.ID, line.Region, line.Product, line.Status, why))
			}
		}
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.lines += len(doc.Targets)
	tr.problems = append(tr.problems, problems...)
}

// observeRollUp checks a backfill's roll-up: every account it lists under
// a cause has no AVAILABLE provisioned product of that product in that
// region when the roll-up goes out.
func (tr *truth) observeRollUp(m topics.Message, doc notify.Document) {
	var problems []string
	lines := 0
	if doc.RollUp == nil {
		problems = append(problems, fmt.Sprintf("roll-up %q carries no roll-up", m.Subject))
	} else {
		for _, c := range doc.RollUp.Causes {
			for _, a := range c.Accounts {
				lines++
				if pp := tr.available(a.ID, c.Region, c.Product, m.PublishedAt); pp != "" {
					problems = append(problems, fmt.Sprintf("roll-up %s lists %s %s/%s as %s, but %s is AVAILABLE", doc.RollUp.RequestID, a.ID, c.Region, c.Product, c.Status, pp))
				}
			}
		}
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.lines += lines
	tr.problems = append(tr.problems, problems...)
}

// available names the AVAILABLE provisioned product of product in account
// and region at time at, or "" when there is none.
func (tr *truth) available(account, region, product string, at time.Time) string {
	name := tr.p.env.Plan.ProvisionedProductPrefix + product
	for _, v := range tr.p.env.Cloud.Catalog().ProvisionedProducts(account, region, at) {
		if v.Name == name && v.Status == "AVAILABLE" {
			return v.ID
		}
	}
	return ""
}

// check returns why line is untrue at time at, or "" when it is true.
func (tr *truth) check(runID, account string, line notify.TargetLine, at time.Time) string {
	cat := tr.p.env.Cloud.Catalog()
	name := tr.p.env.Plan.ProvisionedProductPrefix + line.Product
	var pp *catalog.ProvisionedProductView
	for _, v := range cat.ProvisionedProducts(account, line.Region, at) {
		if v.Name == name {
			pp = &v
		}
	}
	records := cat.Records(account, line.Region, at)
	if line.RecordID != "" && recordStatus(records, line.RecordID) == "" {
		return fmt.Sprintf("the emulator has no record %s", line.RecordID)
	}
	switch runstate.Status(line.Status) {
	case runstate.Succeeded, runstate.AlreadyProvisioned:
		switch {
		case pp == nil:
			return fmt.Sprintf("there is no provisioned product %s", name)
		case pp.Status != "AVAILABLE":
			return fmt.Sprintf("%s is %s", pp.ID, pp.Status)
		case line.Version != "" && pp.ArtifactName != line.Version:
			return fmt.Sprintf("%s runs %s", pp.ID, pp.ArtifactName)
		case line.ProvisionedProductID != "" && pp.ID != line.ProvisionedProductID:
			return fmt.Sprintf("the product named %s is %s, not %s", name, pp.ID, line.ProvisionedProductID)
		}
	case runstate.Outdated:
		if pp == nil || pp.Status != "AVAILABLE" {
			return fmt.Sprintf("there is no AVAILABLE %s", name)
		}
	case runstate.Failed:
		if line.RecordID == "" {
			return tr.createdBy(runID, account, line, pp, records)
		}
		if st := recordStatus(records, line.RecordID); st == "SUCCEEDED" {
			return fmt.Sprintf("record %s SUCCEEDED", line.RecordID)
		}
		if pp != nil && pp.Status == "AVAILABLE" && pp.LastRecordID == line.RecordID {
			return fmt.Sprintf("%s is AVAILABLE", pp.ID)
		}
	case runstate.Skipped, runstate.Cancelled, runstate.TimedOut:
		if line.RecordID == "" {
			return tr.createdBy(runID, account, line, pp, records)
		}
	case runstate.Pending, runstate.InProgress:
		return "a summary must only tell final statuses"
	}
	return ""
}

// createdBy returns why a target that never started is untrue: the run
// created its product after all. A product is the run's when its
// provisioning token is one the run would have sent for that target, with
// any version of the product, or as a replacement of any product there.
func (tr *truth) createdBy(runID, account string, line notify.TargetLine, pp *catalog.ProvisionedProductView, records []catalog.RecordView) string {
	if pp == nil {
		return ""
	}
	var replaced []string
	for _, r := range records {
		replaced = append(replaced, "/"+r.ProvisionedProductID)
	}
	replaced = append(slices.Compact(slices.Sorted(slices.Values(replaced))), "")
	for _, artifact := range tr.p.artifacts[line.Region] {
		for _, rep := range replaced {
			if pp.IdempotencyToken == provision.Token("p", runID, line.Region, line.Product, artifact+rep) {
				return fmt.Sprintf("the run created %s (%s, %s) in %s", pp.ID, pp.Status, pp.ArtifactName, account)
			}
		}
	}
	return ""
}

func recordStatus(records []catalog.RecordView, id string) string {
	for _, r := range records {
		if r.ID == id {
			return r.Status
		}
	}
	return ""
}

// verdict returns the lines checked and what was untrue.
func (tr *truth) verdict() (int, []string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.lines, slices.Clone(tr.problems)
}
