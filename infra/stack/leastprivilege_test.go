package stack

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/leastprivilege"
	"github.com/landfall/landfall/internal/localaws/deploy"
	"github.com/landfall/landfall/internal/plan"
)

// proofStack is the default stack as the least-privilege proof runs it.
func proofStack(t *testing.T, s *synthesized) leastprivilege.Stack {
	t.Helper()
	doc, err := json.Marshal(s.doc)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := plan.Load(s.stack.Config.PlanFile)
	if err != nil {
		t.Fatal(err)
	}
	launch, _ := s.resource(t, "LaunchFunction")
	worker, _ := s.resource(t, "WorkerFunction")
	return leastprivilege.Stack{Template: doc, Name: s.stack.Config.StackName, LaunchFunction: launch, WorkerFunction: worker, Plan: pl}
}

// TestSynthesizedPoliciesRunEveryPath runs the event, a backfill, a dry run,
// fleet status, the run ledger's listing, cancellation and lost run, and a
// failed event on the local AWS with each function as its synthesized role,
// under the synthesized queue, topic and key policies and against the
// synthesized ledger table.
func TestSynthesizedPoliciesRunEveryPath(t *testing.T) {
	res, err := leastprivilege.Run(t.Context(), proofStack(t, stackFor(t)), leastprivilege.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("under the synthesized policies:\n%s", res)
	}
}

// functionGrants loads st's template as deployed and lists what the two
// function roles are granted.
func functionGrants(t *testing.T, s *synthesized, st leastprivilege.Stack) (*deploy.Deployment, []leastprivilege.Grant) {
	t.Helper()
	d, err := deploy.Load(st.Template, deploy.Target{StackName: st.Name, Account: testAccount, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	launchRole, _ := s.resource(t, "LaunchRole")
	workerRole, _ := s.resource(t, "WorkerRole")
	grants, err := leastprivilege.Grants(d, launchRole, workerRole)
	if err != nil {
		t.Fatal(err)
	}
	return d, grants
}

// unproven are grants the local AWS cannot exercise, with why. The list is
// exact: a grant missing from the template, or a new one the emulator
// cannot prove, fails the test.
var unproven = map[string]string{
	"logs:CreateLogStream": "Lambda writes the function's logs to CloudWatch Logs as its role; CloudWatch Logs is not emulated",
	"logs:PutLogEvents":    "Lambda writes the function's logs to CloudWatch Logs as its role; CloudWatch Logs is not emulated",
}

// TestEveryGrantIsNeeded takes each action the functions' roles are granted
// away, one at a time, and expects some path to fail with an AccessDenied
// naming that action, called as that role.
func TestEveryGrantIsNeeded(t *testing.T) {
	s := stackFor(t)
	st := proofStack(t, s)
	d, grants := functionGrants(t, s, st)
	skipped := map[string]bool{}
	for _, g := range grants {
		if why, ok := unproven[g.Action]; ok {
			skipped[g.Action] = true
			t.Logf("%s: not proven here: %s", g, why)
			continue
		}
		t.Run(g.String(), func(t *testing.T) {
			res, err := leastprivilege.Run(t.Context(), st, leastprivilege.Options{Edit: leastprivilege.Without(g), StopAtFailure: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Failed) == 0 {
				t.Fatalf("every path succeeded without %s: the grant is not needed", g.Action)
			}
			role, _ := d.Role(g.Role)
			for _, c := range res.Denied {
				if leastprivilege.Names(c, g.Action) && strings.Contains(c.CallerARN, ":assumed-role/"+role.Name+"/") {
					return
				}
			}
			t.Fatalf("paths failed, but no AccessDenied named %s for %s:\n%s", g.Action, role.Name, res)
		})
	}
	for action := range unproven {
		if !skipped[action] {
			t.Errorf("unproven lists %s, which no function role is granted: remove it", action)
		}
	}
}

// TestCallsOutsideTheGrantsAreDenied: the functions' roles can do nothing
// beyond their grants (on the ledger: the launch function queries only the
// indexes, the worker only the table, neither deletes or scans), the queue and topic
// policies stop even the account's administrator from injecting runs or
// faking summaries, and still let administrators read, purge and subscribe
// by the offered protocols.
func TestCallsOutsideTheGrantsAreDenied(t *testing.T) {
	s := stackFor(t)
	ctx := t.Context()
	dep, err := leastprivilege.Deploy(ctx, proofStack(t, s), nil)
	if err != nil {
		t.Fatal(err)
	}
	region := dep.Env.AWS.Region
	as := func(creds aws.CredentialsProvider) aws.Config { return dep.Cloud.Config(region, creds) }
	launchCfg, workerCfg, adminCfg := as(dep.Launch), as(dep.Worker), as(nil)
	queue := func(path string) *string {
		id, _ := s.resource(t, path)
		q, ok := dep.Deployment.Queue(id)
		if !ok {
			t.Fatalf("no queue %s", path)
		}
		return aws.String(q.URL)
	}
	topicID, _ := s.resource(t, "SummaryTopic")
	topic, _ := dep.Deployment.Topic(topicID)
	work, eventDLQ := queue("WorkQueue"), queue("EventDeadLetterQueue")
	body := aws.String(`{"id":"injected"}`)
	ledgerID, _ := s.resource(t, "Ledger")
	table, ok := dep.Deployment.Table(ledgerID)
	if !ok {
		t.Fatal("the deployment has no ledger table")
	}
	runKey := map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "RUN#x"}, "sk": &ddbtypes.AttributeValueMemberS{Value: "RUN"}}
	everyRun := &dynamodb.QueryInput{
		TableName: aws.String(table.Name), KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": &ddbtypes.AttributeValueMemberS{Value: "DURATIONS"}},
	}

	denied := []struct {
		name, action string
		call         func() error
	}{
		{"worker lists the organization's roots", "organizations:ListRoots", func() error {
			_, err := organizations.NewFromConfig(workerCfg).ListRoots(ctx, &organizations.ListRootsInput{})
			return err
		}},
		{"worker purges the work queue", "sqs:PurgeQueue", func() error {
			_, err := sqs.NewFromConfig(workerCfg).PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: work})
			return err
		}},
		{"launch receives from the work queue", "sqs:ReceiveMessage", func() error {
			_, err := sqs.NewFromConfig(launchCfg).ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: work})
			return err
		}},
		{"launch writes to the event dead-letter queue", "sqs:SendMessage", func() error {
			_, err := sqs.NewFromConfig(launchCfg).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: eventDLQ, MessageBody: body})
			return err
		}},
		{"launch assumes another member role", "sts:AssumeRole", func() error {
			_, err := sts.NewFromConfig(launchCfg).AssumeRole(ctx, &sts.AssumeRoleInput{
				RoleArn: aws.String("arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("probe"),
			})
			return err
		}},
		{"worker subscribes to the summary topic", "sns:Subscribe", func() error {
			_, err := sns.NewFromConfig(workerCfg).Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic.ARN), Protocol: aws.String("email"), Endpoint: aws.String("x@example.com")})
			return err
		}},
		{"launch queries the ledger table, not an index", "dynamodb:Query", func() error {
			_, err := dynamodb.NewFromConfig(launchCfg).Query(ctx, everyRun)
			return err
		}},
		{"worker queries a ledger index", "dynamodb:Query", func() error {
			in := *everyRun
			in.IndexName, in.KeyConditionExpression = aws.String("byAccount"), aws.String("account = :pk")
			_, err := dynamodb.NewFromConfig(workerCfg).Query(ctx, &in)
			return err
		}},
		{"launch deletes a run", "dynamodb:DeleteItem", func() error {
			_, err := dynamodb.NewFromConfig(launchCfg).DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table.Name), Key: runKey})
			return err
		}},
		{"worker scans the ledger", "dynamodb:Scan", func() error {
			_, err := dynamodb.NewFromConfig(workerCfg).Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table.Name)})
			return err
		}},
		{"administrator injects a run", "sqs:SendMessage", func() error {
			_, err := sqs.NewFromConfig(adminCfg).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: work, MessageBody: body})
			return err
		}},
		{"administrator fakes a summary", "sns:Publish", func() error {
			_, err := sns.NewFromConfig(adminCfg).Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic.ARN), Message: body})
			return err
		}},
		{"administrator subscribes by SMS", "sns:Subscribe", func() error {
			_, err := sns.NewFromConfig(adminCfg).Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic.ARN), Protocol: aws.String("sms"), Endpoint: aws.String("+15555550100")})
			return err
		}},
	}
	for _, c := range denied {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			var api smithy.APIError
			if !errors.As(err, &api) || !strings.Contains(api.ErrorCode(), "Authorization") && !strings.Contains(api.ErrorCode(), "AccessDenied") {
				t.Fatalf("err = %v, want an access denial", err)
			}
			// SNS spells its prefix "SNS:" in these messages, as AWS does.
			if !strings.Contains(strings.ToLower(api.ErrorMessage()), "perform: "+strings.ToLower(c.action)) {
				t.Errorf("denial %q does not name %s", api.ErrorMessage(), c.action)
			}
		})
	}

	allowed := []struct {
		name string
		call func() error
	}{
		{"administrator reads the work queue", func() error {
			_, err := sqs.NewFromConfig(adminCfg).ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: work})
			return err
		}},
		{"administrator purges the work queue", func() error {
			_, err := sqs.NewFromConfig(adminCfg).PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: work})
			return err
		}},
		{"administrator subscribes by email", func() error {
			_, err := sns.NewFromConfig(adminCfg).Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic.ARN), Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com")})
			return err
		}},
	}
	for _, c := range allowed {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); err != nil {
				t.Fatalf("locked out: %v", err)
			}
		})
	}
}

// TestChatGrantsAreNeeded: with landfall:chat every path still runs with
// no call denied, and each function's publish grant on the chat topic is
// needed (taking it away makes its chat publish AccessDenied).
func TestChatGrantsAreNeeded(t *testing.T) {
	s := chatFor(t)
	st := proofStack(t, s)
	res, err := leastprivilege.Run(t.Context(), st, leastprivilege.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("with landfall:chat:\n%s", res)
	}
	d, grants := functionGrants(t, s, st)
	chatID, _ := s.resource(t, "ChatTopic")
	chat, _ := d.Topic(chatID)
	proven := 0
	for _, g := range grants {
		if g.Sid != "PublishChatNotifications" {
			continue
		}
		proven++
		t.Run(g.String(), func(t *testing.T) {
			res, err := leastprivilege.Run(t.Context(), st, leastprivilege.Options{Edit: leastprivilege.Without(g), StopAtFailure: true})
			if err != nil {
				t.Fatal(err)
			}
			role, _ := d.Role(g.Role)
			for _, c := range res.Denied {
				if leastprivilege.Names(c, g.Action) && strings.Contains(c.ErrorMessage, chat.ARN) && strings.Contains(c.CallerARN, ":assumed-role/"+role.Name+"/") {
					return
				}
			}
			t.Fatalf("no AccessDenied named %s on the chat topic for %s:\n%s", g.Action, role.Name, res)
		})
	}
	if proven != 2 {
		t.Errorf("%d chat publish grants, want one per function", proven)
	}
}
