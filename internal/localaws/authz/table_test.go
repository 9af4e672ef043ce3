package authz

import (
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/localaws/account"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/identity"
	"github.com/landfall/landfall/internal/localaws/lambdafn"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localaws/stacks"
	"github.com/landfall/landfall/internal/localaws/tables"
	"github.com/landfall/landfall/internal/localaws/topics"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// emulatedServices builds every service the emulator serves, as
// localaws.New does (this package cannot import localaws: it imports us).
func emulatedServices(t *testing.T) []wire.Service {
	t.Helper()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	o, err := org.New(org.Spec{
		ID: "o-ab12cd34ef", Root: "r-ab12", ManagementAccount: "111111111111", HomeRegion: "us-east-1",
		Accounts: []org.AccountSpec{{ID: "111111111111", Name: "Management", Parent: "r-ab12"}},
	}, start)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.New(catalog.Spec{}, o, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tp, err := topics.New(topics.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	q, err := queues.New(queues.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := tables.New(tables.Spec{}, start)
	if err != nil {
		t.Fatal(err)
	}
	return []wire.Service{
		identity.NewService(identity.New(o, identity.Options{})), org.NewService(o), account.New(o), cat, tp, q,
		lambdafn.New(), stacks.New(clock.NewManual(start)), tb,
	}
}

func TestEveryOperationHasARule(t *testing.T) {
	services := emulatedServices(t)
	if err := Check(services); err != nil {
		t.Fatal(err)
	}
	// And no rule is left over from an operation that went away.
	ops := map[string]bool{}
	for _, s := range services {
		for op := range s.Operations() {
			ops[s.SigningName()+"."+op] = true
		}
	}
	for service, byOp := range rules {
		for op, r := range byOp {
			if !ops[service+"."+op] {
				t.Errorf("rule %s.%s: no emulated operation", service, op)
			}
			if prefix, _, _ := strings.Cut(r.action, ":"); prefix != service {
				t.Errorf("rule %s.%s: action %s is not in the service's IAM prefix", service, op, r.action)
			}
		}
	}
}

// fakeService is a service with one operation the table does not know.
type fakeService struct{}

func (fakeService) SigningName() string     { return "sqs" }
func (fakeService) Protocol() wire.Protocol { return wire.JSON10 }
func (fakeService) TargetPrefix() string    { return "AmazonSQS" }
func (fakeService) XMLNamespace() string    { return "" }
func (fakeService) Operations() map[string]wire.Operation {
	return map[string]wire.Operation{"SendMessage": nil, "StartMessageMoveTask": nil}
}

func TestCheckNamesMissingOperations(t *testing.T) {
	err := Check([]wire.Service{fakeService{}})
	if err == nil || !strings.Contains(err.Error(), "no IAM rule for sqs.StartMessageMoveTask;") || strings.Contains(err.Error(), "SendMessage") {
		t.Errorf("Check = %v, want it to name sqs.StartMessageMoveTask only", err)
	}
}
