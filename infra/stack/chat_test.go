package stack

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/landfall"
	"github.com/landfall/landfall/internal/metrics"
)

// Issue 13: the optional topic Amazon Q Developer in chat applications
// reads (landfall:chat).

var chatFor = stackVariant("the chat stack", func() (*synthesized, error) {
	return build(withContext(map[string]any{"landfall:chat": true}))
})

// TestChatTopic pins the topic and its policy: encrypted with the stack's
// key, TLS only, published to by the two function roles only (an explicit
// Deny for everyone else), subscribed to over HTTPS only, as Amazon Q does.
func TestChatTopic(t *testing.T) {
	s := chatFor(t)
	topic := s.ref(t, "ChatTopic")
	equalJSON(t, "chat topic", s.props(t, "ChatTopic"), map[string]any{
		"DisplayName":    "Landfall chat notifications (Amazon Q Developer)",
		"KmsMasterKeyId": s.getAtt(t, "Key", "Arn"),
	})
	equalJSON(t, "chat topic policy", s.props(t, "ChatTopic/Policy"), map[string]any{
		"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{
				"Sid": "AllowPublishThroughSSLOnly", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": topic,
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			},
			denyUnless("OnlyLandfallPublishesChatNotifications", "sns:Publish", topic,
				map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": s.functionRoles(t)}}),
			denyUnless("OnlyAmazonQSubscribes", "sns:Subscribe", topic,
				map[string]any{"StringNotEquals": map[string]any{"sns:Protocol": []string{"https"}}}),
		}},
		"Topics": []any{topic},
	})
	assert(t, "the stack subscribes nothing: Amazon Q does, from its channel configuration", func() {
		s.template.ResourceCountIs(jsii.String("AWS::SNS::Subscription"), jsii.Number(0))
	})
	equalJSON(t, "key description", s.props(t, "Key")["Description"],
		"Landfall: encrypts the summary, chat and alarm topics, the work and dead-letter queues, the run ledger and the function logs")
	if cycle := findCycle(dependencies(s.doc)); cycle != nil {
		t.Errorf("dependency cycle: %s", strings.Join(cycle, " -> "))
	}
}

// TestChatTopicWiring: both functions may publish to the chat topic, and
// are told its ARN; the stack outputs it for the channel configuration.
func TestChatTopicWiring(t *testing.T) {
	s := chatFor(t)
	topic := s.ref(t, "ChatTopic")
	for _, fn := range []string{"Launch", "Worker"} {
		env := s.props(t, fn+"Function")["Environment"].(map[string]any)["Variables"].(map[string]any)
		equalJSON(t, fn+" "+landfall.EnvChatTopicARN, env[landfall.EnvChatTopicARN], topic)
		var publish []any
		for _, st := range s.props(t, fn+"Role/DefaultPolicy")["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			if st := st.(map[string]any); st["Action"] == "sns:Publish" {
				publish = append(publish, st)
			}
		}
		equalJSON(t, fn+" publish statements", publish, []any{
			map[string]any{"Sid": "PublishSummaries", "Effect": "Allow", "Action": "sns:Publish", "Resource": s.ref(t, "SummaryTopic")},
			map[string]any{"Sid": "PublishChatNotifications", "Effect": "Allow", "Action": "sns:Publish", "Resource": topic},
		})
	}
	out, ok := s.doc["Outputs"].(map[string]any)[OutputChatTopicArn].(map[string]any)
	if !ok {
		t.Fatalf("no output %s", OutputChatTopicArn)
	}
	equalJSON(t, "output "+OutputChatTopicArn, out["Value"], topic)
}

// TestNoChatTopicByDefault: cdk.json leaves chat off, and then nothing of
// it is in the template.
func TestNoChatTopicByDefault(t *testing.T) {
	s := stackFor(t)
	if s.stack.Landfall.ChatTopic != nil || len(s.resourcesOf("AWS::SNS::Topic")) != 2 {
		t.Errorf("default stack has a chat topic (%d topics)", len(s.resourcesOf("AWS::SNS::Topic")))
	}
	for _, fn := range []string{"LaunchFunction", "WorkerFunction"} {
		env := s.props(t, fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
		if v, ok := env[landfall.EnvChatTopicARN]; ok {
			t.Errorf("%s has %s = %v without landfall:chat", fn, landfall.EnvChatTopicARN, v)
		}
	}
	if _, ok := s.doc["Outputs"].(map[string]any)[OutputChatTopicArn]; ok {
		t.Errorf("default stack outputs %s", OutputChatTopicArn)
	}
}

// TestChatStackNag: the chat topic passes every pack with no suppression
// of its own: the accepted findings are the default stack's.
func TestChatStackNag(t *testing.T) {
	s := chatFor(t)
	for _, m := range unsuppressedNagFindings(s) {
		t.Errorf("unsuppressed cdk-nag finding at %s: %v", *m.Id, m.Entry.Data)
	}
	equalJSON(t, "accepted cdk-nag findings with landfall:chat",
		sortedSuppressions(acceptedNagFindings(t, s)), sortedSuppressions(acceptedNagFindings(t, stackFor(t))))
}

// TestChatFailuresAlarm: with a chat topic, chat notifications that do not
// reach it (the functions' ChatNotPublished metric) page the alarm topic;
// without one there is no such alarm.
func TestChatFailuresAlarm(t *testing.T) {
	has := func(s *synthesized) bool {
		for _, a := range s.resourcesOf("AWS::CloudWatch::Alarm") {
			if strings.Contains(jsonOf(a), metrics.ChatNotPublished) {
				return true
			}
		}
		return false
	}
	if !has(chatFor(t)) {
		t.Error("with landfall:chat: no alarm on ChatNotPublished")
	}
	if has(stackFor(t)) {
		t.Error("without landfall:chat: an alarm on ChatNotPublished")
	}
}
