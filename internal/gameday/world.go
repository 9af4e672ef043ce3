package gameday

import (
	"fmt"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/org"
)

// Accounts of the default world the scenarios act on.
const (
	lifeCycle1 = "222222222222"
	lifeCycle2 = "333333333333"
	lifeCycle3 = "624281831893"
)

// worlds composes world edits.
func worlds(edits ...func(*localaws.World)) func(*localaws.World) {
	return func(w *localaws.World) {
		for _, e := range edits {
			e(w)
		}
	}
}

// provisioning edits how artifact (by ID) provisions in account.
func provisioning(artifactID, account string, o catalog.OutcomeSpec) func(*localaws.World) {
	return func(w *localaws.World) {
		for ri := range w.Catalog.Regions {
			for pi := range w.Catalog.Regions[ri].Products {
				arts := w.Catalog.Regions[ri].Products[pi].Artifacts
				for ai := range arts {
					if arts[ai].ID != artifactID {
						continue
					}
					// A fresh map: the world file shares provisioning
					// sections between artifacts with YAML anchors.
					accounts := map[string]catalog.OutcomeSpec{account: o}
					for k, v := range arts[ai].Provisioning.Accounts {
						if k != account {
							accounts[k] = v
						}
					}
					arts[ai].Provisioning.Accounts = accounts
					return
				}
			}
		}
		panic(fmt.Sprintf("gameday: no artifact %s in the default world", artifactID)) // a typo in a scenario
	}
}

// failing makes artifact fail to provision (or update to it) in account.
func failing(artifactID, account, why string) func(*localaws.World) {
	return provisioning(artifactID, account, catalog.OutcomeSpec{Outcome: "FAILED", Error: why})
}

// slow makes artifact take d to provision in account.
func slow(artifactID, account string, d time.Duration) func(*localaws.World) {
	return provisioning(artifactID, account, catalog.OutcomeSpec{Duration: d})
}

// regionDisabled disables region for account.
func regionDisabled(account, region string) func(*localaws.World) {
	return func(w *localaws.World) {
		for i := range w.Organization.Accounts {
			if w.Organization.Accounts[i].ID == account {
				w.Organization.Accounts[i].DisabledRegions = append(w.Organization.Accounts[i].DisabledRegions, region)
				return
			}
		}
		panic(fmt.Sprintf("gameday: no account %s in the default world", account))
	}
}

// fleetOU holds the accounts fleet adds.
const fleetOU = "ou-ab12-gamedayf1"

// fleet adds n accounts in an OU of their own, as a landing zone that grew.
func fleet(n int) func(*localaws.World) {
	return func(w *localaws.World) {
		o := &w.Organization
		o.OUs = append(o.OUs, org.OUSpec{ID: fleetOU, Name: "GameDay", Parent: o.Root})
		for i := range n {
			o.Accounts = append(o.Accounts, org.AccountSpec{ID: fmt.Sprintf("%012d", 400000000000+i), Name: fmt.Sprintf("gameday-%03d", i), Parent: fleetOU})
		}
	}
}

// Plan edits: each replaces one line of the example plan, and panics if
// the example no longer has it, so a changed example fails loudly here.

func replaceOnce(text, old, repl string) string {
	if !strings.Contains(text, old) {
		panic(fmt.Sprintf("gameday: the example plan no longer contains %q", old))
	}
	return strings.Replace(text, old, repl, 1)
}

// maxRunAge sets the plan's maxRunAge.
func maxRunAge(d string) func(string) string {
	return func(text string) string { return replaceOnce(text, "maxRunAge: 2h", "maxRunAge: "+d) }
}

// auditPinned pins security-audit to an older version, so that a later
// plan (latest) updates it.
func auditPinned(text string) string {
	return replaceOnce(text, "product: security-audit\n    version: latest", "product: security-audit\n    version: \"2024.06\"")
}
