package cli

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// TestREADMEFilterPolicy subscribes a queue of the served local AWS with
// each filter policy the README shows (so the emulator's SNS parser must
// accept it), publishes one message per outcome the README lists for
// landfall.outcome, and checks the policy takes exactly the failures: every
// listed outcome but SUCCEEDED and CANCELLED (an operator, or an account
// that left, stopped the run: nothing failed). The attribute names the README lists must
// be internal/notify's.
func TestREADMEFilterPolicy(t *testing.T) {
	d := loadREADME(t)
	outcomes, attrs := readmeOutcomes(t, d)
	notifyAttrs := goConsts(t, filepath.Join(repoRoot, "internal/notify"), "Attr")
	for name, line := range attrs {
		if !slices.Contains(slices.Collect(maps.Values(notifyAttrs)), name) {
			t.Errorf("%s: message attribute %s is not one internal/notify sets", readmeAt(line), name)
		}
	}
	var policies []readmeSnippet
	for _, b := range d.blocks {
		if b.kind == "json" && strings.Contains(b.text, `"landfall.`) {
			policies = append(policies, b)
		}
	}
	if len(policies) == 0 {
		t.Fatal("README.md shows no filter policy on landfall.* attributes")
	}
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(serveForREADME(t)),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	for i, p := range policies {
		got := deliveredOutcomes(t, cfg, fmt.Sprintf("readme-%d", i), strings.TrimSpace(p.text), outcomes)
		want := slices.DeleteFunc(slices.Clone(outcomes), func(o string) bool { return o == "SUCCEEDED" || o == "CANCELLED" })
		if !slices.Equal(got, want) {
			t.Errorf("%s: the failures-only filter policy lets through %v, want every failure outcome the README lists: %v", readmeAt(p.line), got, want)
		}
	}
}

// readmeOutcomes returns the outcomes and attribute names listed on the
// README line that introduces the message attributes.
func readmeOutcomes(t *testing.T, d *readmeDoc) (outcomes []string, attrs map[string]int) {
	t.Helper()
	attrs = map[string]int{}
	for _, s := range d.spans {
		if !strings.Contains(s.context, "message attributes `landfall.outcome`") {
			continue
		}
		switch {
		case regexp.MustCompile(`^[A-Z_]+$`).MatchString(s.text):
			outcomes = append(outcomes, s.text)
		case strings.HasPrefix(s.text, "landfall."):
			attrs[s.text] = s.line
		}
	}
	if len(outcomes) < 3 {
		t.Fatalf("README.md lists %v as landfall.outcome values", outcomes)
	}
	return outcomes, attrs
}

// deliveredOutcomes subscribes a new queue to a new topic with policy,
// publishes one message per outcome and returns the outcomes delivered.
func deliveredOutcomes(t *testing.T, cfg aws.Config, name, policy string, outcomes []string) []string {
	t.Helper()
	ctx := context.Background()
	topic, err := sns.NewFromConfig(cfg).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(topic.TopicArn)
	queue := createQueue(t, cfg, name, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`+
		`"Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":%q}}}]}`, arn))
	if _, err := sns.NewFromConfig(cfg).Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(arn), Protocol: aws.String("sqs"),
		Endpoint: aws.String(queueARNOf(queue)), Attributes: map[string]string{"FilterPolicy": policy, "RawMessageDelivery": "true"}}); err != nil {
		t.Fatalf("the emulator refuses the README's filter policy %s: %v", policy, err)
	}
	for _, o := range outcomes {
		if _, err := sns.NewFromConfig(cfg).Publish(ctx, &sns.PublishInput{TopicArn: aws.String(arn), Message: aws.String(o),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"landfall.outcome": {DataType: aws.String("String"), StringValue: aws.String(o)}}}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for {
		out, err := sqs.NewFromConfig(cfg).ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue), MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			break
		}
		for _, m := range out.Messages {
			got = append(got, aws.ToString(m.Body))
		}
	}
	slices.SortStableFunc(got, func(a, b string) int { return slices.Index(outcomes, a) - slices.Index(outcomes, b) })
	return got
}
