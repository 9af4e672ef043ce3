package gameday

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/localaws/faults"
	"github.com/landfall/landfall/internal/localrun"
)

// Step is one thing that happens in a scenario.
type Step struct {
	what string
	do   func(ctx context.Context, p *play) error
}

// String says what the step does, for the scenario's story.
func (s Step) String() string { return s.what }

// Event delivers a Control Tower lifecycle event for account to the launch
// function as EventBridge does: asynchronously, with Lambda's retries and
// its on-failure destination. The same kind, account and seq make the same
// event (same event ID), so repeating the step repeats the delivery.
func Event(kind EventKind, account string, seq int) Step {
	return Step{
		what: fmt.Sprintf("%s event %d for %s", kind, seq, account),
		do: func(ctx context.Context, p *play) error {
			body, err := p.event(kind, account, seq)
			if err != nil {
				return err
			}
			p.delivered(runID(kind, account, seq), account)
			p.env.InvokeLaunchAsync(ctx, localrun.Payload{Name: fmt.Sprintf("%s-%d", kind, seq), Body: body})
			return nil
		},
	}
}

// Manual invokes the launch function with an operator's payload, as
// `landfall invoke` does: synchronously, so an error goes back to the
// operator rather than to Lambda's retries.
func Manual(payload string) Step {
	return Step{
		what: "manual invocation " + payload,
		do: func(ctx context.Context, p *play) error {
			// An error goes to the operator, who sees it: the runs it
			// recorded before failing are counted from the ledger.
			p.env.InvokeLaunch(ctx, localrun.Payload{Name: "manual", Body: []byte(payload)})
			return nil
		},
	}
}

// Together runs steps at once, as concurrent deliveries would arrive.
func Together(steps ...Step) Step {
	var names []string
	for _, s := range steps {
		names = append(names, s.what)
	}
	return Step{
		what: "at once: " + strings.Join(names, "; "),
		do: func(ctx context.Context, p *play) error {
			var g errgroup.Group
			for _, s := range steps {
				g.Go(func() error { return s.do(ctx, p) })
			}
			return g.Wait()
		},
	}
}

// Drain runs the worker until the work queue is empty, moving the emulated
// clock through delays and visibility timeouts; messages that fail too
// often move to the dead-letter queue on the way.
func Drain() Step {
	return Step{what: "drain the work queue", do: func(ctx context.Context, p *play) error { return p.drain(ctx) }}
}

// Deliver runs the worker on the next visible message, if any, without
// moving the clock: the scenario can act between two steps of a run.
func Deliver() Step {
	return Step{
		what: "the worker takes one step",
		do: func(ctx context.Context, p *play) error {
			_, err := p.env.DeliverNext(ctx)
			return err
		},
	}
}

// SetFaults replaces the emulator's fault rules; their windows count from now.
func SetFaults(rules ...faults.Rule) Step {
	return Step{
		what: fmt.Sprintf("set %d fault rule(s)", len(rules)),
		do: func(_ context.Context, p *play) error {
			return p.env.Cloud.Faults().Set(rules)
		},
	}
}

// Replan deploys the example plan edited by edit, keeping the world and
// whatever is queued.
func Replan(edit func(string) string) Step {
	return Step{
		what: "deploy a changed plan",
		do: func(_ context.Context, p *play) error {
			pl, err := examplePlan(edit)
			if err != nil {
				return err
			}
			p.env.Replan(pl)
			return nil
		},
	}
}

// DenyWorkQueueSends gives the work queue a policy that refuses every
// SendMessage, as a broken queue policy or KMS key would: the launch
// function cannot queue runs, while its on-failure queue still works (a
// fault rule on SendMessage would hit both). AllowWorkQueueSends undoes it.
func DenyWorkQueueSends() Step {
	return Step{
		what: "the work queue refuses sends",
		do: func(ctx context.Context, p *play) error {
			policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"GameDay","Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Resource":%q}]}`, p.workQueueARN())
			return p.setWorkQueuePolicy(ctx, policy)
		},
	}
}

// AllowWorkQueueSends removes the policy DenyWorkQueueSends set.
func AllowWorkQueueSends() Step {
	return Step{
		what: "the work queue accepts sends again",
		do:   func(ctx context.Context, p *play) error { return p.setWorkQueuePolicy(ctx, "") },
	}
}

func (p *play) setWorkQueuePolicy(ctx context.Context, policy string) error {
	_, err := sqs.NewFromConfig(p.env.AWS).SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{
		QueueUrl: aws.String(p.env.Config.QueueURL), Attributes: map[string]string{"Policy": policy},
	})
	if err != nil {
		return fmt.Errorf("set the work queue's policy: %w", err)
	}
	return nil
}
