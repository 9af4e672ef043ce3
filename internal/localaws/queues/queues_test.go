package queues_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/queues"
)

// wantCode fails unless err is an API error with code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v (%T), want API error %s", err, err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %s (%v), want %s", ae.ErrorCode(), err, code)
	}
}

func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

func TestSpecValidate(t *testing.T) {
	neg := -1
	tests := []struct {
		name string
		spec queues.Spec
		want []string // substrings of the error; nil means valid
	}{
		{name: "default world", spec: defaultSpec},
		{name: "empty", spec: queues.Spec{}},
		{
			name: "bad name",
			spec: queues.Spec{Queues: []queues.QueueSpec{{Account: mgmt, Region: home, Name: "bad name!"}}},
			want: []string{`queues[0].name: "bad name!" must be 1-80 characters of A-Za-z0-9_-`},
		},
		{
			name: "fifo",
			spec: queues.Spec{Queues: []queues.QueueSpec{{Account: mgmt, Region: home, Name: "work.fifo"}}},
			want: []string{`queues[0].name: "work.fifo" is a FIFO queue name: FIFO queues are not emulated`},
		},
		{
			name: "every problem at once",
			spec: queues.Spec{Queues: []queues.QueueSpec{
				{Account: "12", Region: "mars-1", Name: "a", DelaySeconds: 901, VisibilityTimeout: &neg, MessageRetentionPeriod: 59,
					DeadLetter: &queues.DeadLetterSpec{Name: "missing", MaxReceiveCount: 0}},
				{Account: mgmt, Region: home, Name: "b", DeadLetter: &queues.DeadLetterSpec{Name: "b", MaxReceiveCount: 1001}},
				{Account: mgmt, Region: home, Name: "c", DeadLetter: &queues.DeadLetterSpec{MaxReceiveCount: 3}},
				{Account: mgmt, Region: home, Name: "b"},
			}},
			want: []string{
				`queues[0].account: "12" must be a 12-digit AWS account ID`,
				`queues[0].region: "mars-1" is not an AWS region`,
				`queues[0].delaySeconds: 901 must be between 0 and 900`,
				`queues[0].visibilityTimeout: -1 must be between 0 and 43200`,
				`queues[0].messageRetentionPeriod: 59 must be between 60 and 1209600`,
				`queues[0].deadLetter.name: "missing" is not declared in 12/mars-1`,
				`queues[0].deadLetter.maxReceiveCount: 0 must be between 1 and 1000`,
				`queues[1].deadLetter.name: "b" is the queue itself`,
				`queues[1].deadLetter.maxReceiveCount: 1001 must be between 1 and 1000`,
				`queues[2].deadLetter.name: is required`,
				`queues[3]: duplicates queues[1] (111111111111/us-east-1/b)`,
			},
		},
		{
			name: "dead-letter queue in another region",
			spec: queues.Spec{Queues: []queues.QueueSpec{
				{Account: mgmt, Region: home, Name: "a", DeadLetter: &queues.DeadLetterSpec{Name: "dlq", MaxReceiveCount: 3}},
				{Account: mgmt, Region: "us-west-2", Name: "dlq"},
			}},
			want: []string{`queues[0].deadLetter.name: "dlq" is not declared in 111111111111/us-east-1`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q\nwant it to contain %q", err, w)
				}
			}
			if _, nerr := queues.New(tt.spec); nerr == nil {
				t.Error("New accepted an invalid spec")
			}
		})
	}
}

func TestQueueLifecycle(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.sqs

	attrs := map[string]string{"VisibilityTimeout": "120", "DelaySeconds": "5"}
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("runs"), Attributes: attrs, Tags: map[string]string{"app": "landfall"}})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	runs := aws.ToString(out.QueueUrl)
	if runs != "https://sqs.us-east-1.amazonaws.com/111111111111/runs" {
		t.Errorf("QueueUrl = %s", runs)
	}
	if again, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("runs"), Attributes: map[string]string{"VisibilityTimeout": "0120"}}); err != nil || aws.ToString(again.QueueUrl) != runs {
		t.Errorf("CreateQueue with the same attributes = %v, %v; want the existing URL", again, err)
	}
	if _, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("runs")}); err != nil {
		t.Errorf("CreateQueue without attributes: %v, want the existing URL", err)
	}
	_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("runs"), Attributes: map[string]string{"VisibilityTimeout": "30"}})
	_ = wantError[*sqstypes.QueueNameExists](t, err)
	wantCode(t, err, "QueueAlreadyExists")

	got, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("landfall-work")})
	if err != nil || aws.ToString(got.QueueUrl) != work {
		t.Errorf("GetQueueUrl = %v, %v; want %s", got, err, work)
	}
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("nope")})
	e := wantError[*sqstypes.QueueDoesNotExist](t, err)
	if e.ErrorCode() != "AWS.SimpleQueueService.NonExistentQueue" || e.ErrorMessage() != "The specified queue does not exist." {
		t.Errorf("QueueDoesNotExist code %s, message %q", e.ErrorCode(), e.ErrorMessage())
	}

	list, err := c.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("landfall-")})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(list.QueueUrls) != fmt.Sprint([]string{work, workDLQ}) || list.NextToken != nil {
		t.Errorf("ListQueues(landfall-) = %v, token %v", list.QueueUrls, list.NextToken)
	}
	var pages [][]string
	p := sqs.NewListQueuesPaginator(c, &sqs.ListQueuesInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page.QueueUrls)
	}
	if len(pages) != 2 || len(pages[0]) != 2 || len(pages[1]) != 1 {
		t.Errorf("pages of 2 = %v, want [2 queues] [1 queue]", pages)
	}
	_, err = c.ListQueues(ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(1001)})
	wantCode(t, err, "InvalidParameterValue")

	if _, err := c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(runs)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("runs")})
	_ = wantError[*sqstypes.QueueDoesNotExist](t, err)
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(runs), MessageBody: aws.String("x")})
	_ = wantError[*sqstypes.QueueDoesNotExist](t, err)
	_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("runs")})
	_ = wantError[*sqstypes.QueueDeletedRecently](t, err)
	h.clock.Advance(60 * time.Second)
	if _, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("runs")}); err != nil {
		t.Errorf("CreateQueue 60 s after deletion: %v", err)
	}
}

func TestCreateQueueValidation(t *testing.T) {
	tests := []struct {
		name      string
		queueName string
		attrs     map[string]string
		check     func(*testing.T, error)
	}{
		{"fifo name", "runs.fifo", nil, func(t *testing.T, err error) { wantCode(t, err, "InvalidParameterValue") }},
		{"fifo attribute", "runs", map[string]string{"FifoQueue": "true"}, func(t *testing.T, err error) { wantCode(t, err, "InvalidParameterValue") }},
		{"bad name", "runs!", nil, func(t *testing.T, err error) { wantCode(t, err, "InvalidParameterValue") }},
		{"long name", strings.Repeat("q", 81), nil, func(t *testing.T, err error) { wantCode(t, err, "InvalidParameterValue") }},
		{"delay too long", "runs", map[string]string{"DelaySeconds": "901"}, attrValue},
		{"negative visibility", "runs", map[string]string{"VisibilityTimeout": "-1"}, attrValue},
		{"visibility too long", "runs", map[string]string{"VisibilityTimeout": "43201"}, attrValue},
		{"retention too short", "runs", map[string]string{"MessageRetentionPeriod": "59"}, attrValue},
		{"message size too small", "runs", map[string]string{"MaximumMessageSize": "1023"}, attrValue},
		{"wait time too long", "runs", map[string]string{"ReceiveMessageWaitTimeSeconds": "21"}, attrValue},
		{"not a number", "runs", map[string]string{"DelaySeconds": "soon"}, attrValue},
		{"policy not JSON", "runs", map[string]string{"Policy": "{"}, attrValue},
		{"unknown attribute", "runs", map[string]string{"Colour": "red"}, func(t *testing.T, err error) {
			_ = wantError[*sqstypes.InvalidAttributeName](t, err)
		}},
		{"read-only attribute", "runs", map[string]string{"QueueArn": "arn"}, func(t *testing.T, err error) {
			_ = wantError[*sqstypes.InvalidAttributeName](t, err)
		}},
		{"redrive to missing queue", "runs", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:nope","maxReceiveCount":3}`}, redriveInvalid("does not exist")},
		{"redrive to itself", "runs", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:runs","maxReceiveCount":3}`}, redriveInvalid("its own")},
		{"redrive to other region", "runs", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-west-2:111111111111:landfall-work-dlq","maxReceiveCount":3}`}, redriveInvalid("same account and region")},
		{"redrive count zero", "runs", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:landfall-work-dlq","maxReceiveCount":0}`}, redriveInvalid("between 1 and 1000")},
		{"redrive not JSON", "runs", map[string]string{"RedrivePolicy": `dlq`}, redriveInvalid("JSON object")},
	}
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(tt.queueName), Attributes: tt.attrs})
			tt.check(t, err)
		})
	}
	// A string maxReceiveCount is accepted, as SQS does, and reported as a number.
	out, err := h.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("runs"), Attributes: map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:landfall-work-dlq","maxReceiveCount":"3"}`,
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := h.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"RedrivePolicy"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:landfall-work-dlq","maxReceiveCount":3}`; got.Attributes["RedrivePolicy"] != want {
		t.Errorf("RedrivePolicy = %s, want %s", got.Attributes["RedrivePolicy"], want)
	}
}

func attrValue(t *testing.T, err error) {
	t.Helper()
	_ = wantError[*sqstypes.InvalidAttributeValue](t, err)
}

func redriveInvalid(reason string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		wantCode(t, err, "InvalidParameterValue")
		if !strings.Contains(err.Error(), "RedrivePolicy") || !strings.Contains(err.Error(), reason) {
			t.Errorf("error %v does not name RedrivePolicy and %q", err, reason)
		}
	}
}

func TestQueueAttributes(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.sqs

	h.send(t, work, "visible")
	h.send(t, work, "in flight")
	if got := h.receive(t, work, 0); len(got.Messages) != 2 {
		t.Fatalf("received %d, want 2", len(got.Messages))
	}
	h.clock.Advance(30 * time.Second)
	h.send(t, work, "visible")
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(work), MessageBody: aws.String("delayed"), DelaySeconds: 60}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(work), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"QueueArn":                              "arn:aws:sqs:us-east-1:111111111111:landfall-work",
		"ApproximateNumberOfMessages":           "1",
		"ApproximateNumberOfMessagesNotVisible": "2",
		"ApproximateNumberOfMessagesDelayed":    "1",
		"VisibilityTimeout":                     "60",
		"DelaySeconds":                          "0",
		"MessageRetentionPeriod":                "345600",
		"MaximumMessageSize":                    "262144",
		"ReceiveMessageWaitTimeSeconds":         "0",
		"RedrivePolicy":                         `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:landfall-work-dlq","maxReceiveCount":5}`,
		"CreatedTimestamp":                      strconv.FormatInt(t0.Unix(), 10),
		"LastModifiedTimestamp":                 strconv.FormatInt(t0.Unix(), 10),
		"SqsManagedSseEnabled":                  "true",
	}
	for k, v := range want {
		if out.Attributes[k] != v {
			t.Errorf("%s = %q, want %q", k, out.Attributes[k], v)
		}
	}
	if st := h.svc.Stats(work); st != (queues.Stats{Visible: 1, InFlight: 2, Delayed: 1}) {
		t.Errorf("Stats = %+v", st)
	}

	named, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(work), AttributeNames: []sqstypes.QueueAttributeName{"QueueArn", "DelaySeconds"}})
	if err != nil || len(named.Attributes) != 2 {
		t.Errorf("named attributes = %v, %v; want QueueArn and DelaySeconds", named.Attributes, err)
	}
	none, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(work)})
	if err != nil || len(none.Attributes) != 0 {
		t.Errorf("no names = %v, %v; want no attributes", none.Attributes, err)
	}
	_, err = c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(work), AttributeNames: []sqstypes.QueueAttributeName{"Colour"}})
	_ = wantError[*sqstypes.InvalidAttributeName](t, err)

	h.clock.Advance(time.Minute)
	if _, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(work), Attributes: map[string]string{"DelaySeconds": "10", "RedrivePolicy": ""}}); err != nil {
		t.Fatal(err)
	}
	out, err = c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(work), AttributeNames: []sqstypes.QueueAttributeName{"All"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Attributes["DelaySeconds"] != "10" || out.Attributes["RedrivePolicy"] != "" || out.Attributes["LastModifiedTimestamp"] != strconv.FormatInt(t0.Add(90*time.Second).Unix(), 10) {
		t.Errorf("after SetQueueAttributes: %v", out.Attributes)
	}
	_, err = c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(work), Attributes: map[string]string{"VisibilityTimeout": "99999"}})
	_ = wantError[*sqstypes.InvalidAttributeValue](t, err)
}

func TestListDeadLetterSourceQueues(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	out, err := h.sqs.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(workDLQ)})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(out.QueueUrls) != fmt.Sprint([]string{work}) {
		t.Errorf("dead-letter sources = %v, want [%s]", out.QueueUrls, work)
	}
}

func TestChecksums(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.sqs
	body := `{"account":"222222222222","step":"poll","note":"ünïcødé ✓ 🚀"}`

	// Vector published for the SQS attribute digest.
	sent, err := c.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:    aws.String(work),
		MessageBody: aws.String(body),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"ordinal":  {DataType: aws.String("Number"), StringValue: aws.String("1")},
			"category": {DataType: aws.String("String"), StringValue: aws.String("test")},
		},
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err) // includes the SDK's MD5 check of the body
	}
	sum := md5.Sum([]byte(body))
	if got := aws.ToString(sent.MD5OfMessageBody); got != hex.EncodeToString(sum[:]) {
		t.Errorf("MD5OfMessageBody = %s", got)
	}
	if got := aws.ToString(sent.MD5OfMessageAttributes); got != "d21ae90c49061e927f57df5f5d72be1f" {
		t.Errorf("MD5OfMessageAttributes = %s, want d21ae90c49061e927f57df5f5d72be1f", got)
	}

	one, err := c.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:          aws.String(work),
		MessageBody:       aws.String("b"),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{"category": {DataType: aws.String("String"), StringValue: aws.String("test")}},
		MessageSystemAttributes: map[string]sqstypes.MessageSystemAttributeValue{
			"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("Root=1-5759e988-bd862e3fe1be46a994272793")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if one.MD5OfMessageSystemAttributes == nil {
		t.Error("MD5OfMessageSystemAttributes missing")
	}

	got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(work), MaxNumberOfMessages: 1, MessageAttributeNames: []string{"All"}})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err) // includes the SDK's MD5 check of the body
	}
	m := got.Messages[0]
	if aws.ToString(m.Body) != body || aws.ToString(m.MD5OfMessageAttributes) != "d21ae90c49061e927f57df5f5d72be1f" {
		t.Errorf("received %q with attribute digest %s", aws.ToString(m.Body), aws.ToString(m.MD5OfMessageAttributes))
	}
	if a := m.MessageAttributes["ordinal"]; aws.ToString(a.DataType) != "Number" || aws.ToString(a.StringValue) != "1" {
		t.Errorf("ordinal attribute = %+v", a)
	}

	// Asking for some attributes returns those, with their own digest.
	h.clock.Advance(time.Hour)
	got, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(work), MaxNumberOfMessages: 1, MessageAttributeNames: []string{"category"}})
	if err != nil {
		t.Fatal(err)
	}
	m = got.Messages[0]
	if len(m.MessageAttributes) != 1 || aws.ToString(m.MD5OfMessageAttributes) != aws.ToString(one.MD5OfMessageAttributes) {
		t.Errorf("selected attributes %v digest %s, want category only with digest %s", m.MessageAttributes, aws.ToString(m.MD5OfMessageAttributes), aws.ToString(one.MD5OfMessageAttributes))
	}
	// Without names, no attributes and no digest.
	h.clock.Advance(time.Hour)
	got, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(work), MaxNumberOfMessages: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m := got.Messages[0]; m.MessageAttributes != nil || m.MD5OfMessageAttributes != nil || m.Attributes != nil {
		t.Errorf("unrequested attributes returned: %+v", m)
	}

	binary, err := c.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:    aws.String(work),
		MessageBody: aws.String("bin"),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"blob":  {DataType: aws.String("Binary.gzip"), BinaryValue: []byte{0, 1, 2, 255}},
			"count": {DataType: aws.String("Number.int"), StringValue: aws.String("42")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Hour)
	msgs := h.svc.Messages(work)
	last := msgs[len(msgs)-1]
	if last.ID != aws.ToString(binary.MessageId) || string(last.Attributes["blob"].BinaryValue) != "\x00\x01\x02\xff" || last.Attributes["count"].DataType != "Number.int" {
		t.Errorf("stored attributes = %+v", last.Attributes)
	}
}

func TestSendValidation(t *testing.T) {
	str := func(dt, v string) sqstypes.MessageAttributeValue {
		return sqstypes.MessageAttributeValue{DataType: aws.String(dt), StringValue: aws.String(v)}
	}
	eleven := map[string]sqstypes.MessageAttributeValue{}
	for i := range 11 {
		eleven[fmt.Sprintf("a%d", i)] = str("String", "v")
	}
	tests := []struct {
		name  string
		in    sqs.SendMessageInput
		check func(*testing.T, error) // nil: accepted
	}{
		{"largest body", sqs.SendMessageInput{MessageBody: aws.String(strings.Repeat("x", 262144))}, nil},
		{"body too long", sqs.SendMessageInput{MessageBody: aws.String(strings.Repeat("x", 262145))}, code("InvalidParameterValue")},
		{"attributes count toward the size", sqs.SendMessageInput{MessageBody: aws.String(strings.Repeat("x", 262144-7)), MessageAttributes: map[string]sqstypes.MessageAttributeValue{"k": str("String", "v")}}, code("InvalidParameterValue")},
		{"empty body", sqs.SendMessageInput{MessageBody: aws.String("")}, code("MissingParameter")},
		{"control character", sqs.SendMessageInput{MessageBody: aws.String("a\x00b")}, func(t *testing.T, err error) { _ = wantError[*sqstypes.InvalidMessageContents](t, err) }},
		{"tab and newline", sqs.SendMessageInput{MessageBody: aws.String("a\tb\r\n")}, nil},
		{"delay too long", sqs.SendMessageInput{MessageBody: aws.String("x"), DelaySeconds: 901}, code("InvalidParameterValue")},
		{"deduplication id", sqs.SendMessageInput{MessageBody: aws.String("x"), MessageDeduplicationId: aws.String("d")}, code("InvalidParameterValue")},
		{"ten attributes", sqs.SendMessageInput{MessageBody: aws.String("x"), MessageAttributes: func() map[string]sqstypes.MessageAttributeValue {
			m := map[string]sqstypes.MessageAttributeValue{}
			for i := range 10 {
				m[fmt.Sprintf("a%d", i)] = str("String", "v")
			}
			return m
		}()}, nil},
		{"eleven attributes", sqs.SendMessageInput{MessageBody: aws.String("x"), MessageAttributes: eleven}, code("InvalidParameterValue")},
		{"reserved prefix", sqs.SendMessageInput{MessageBody: aws.String("x"), MessageAttributes: map[string]sqstypes.MessageAttributeValue{"AWS.trace": str("String", "v")}}, code("InvalidParameterValue")},
		{"successive periods", sqs.SendMessageInput{MessageBody: aws.String("x"), MessageAttributes: map[string]sqstypes.MessageAttributeValue{"a..b": str("String", "v")}}, code("InvalidParameterValue")},
		{"bad character in name", sqs.SendMessageInput{MessageBody: aws.String("x"), MessageAttributes: map[string]sqstypes.MessageAttributeValue{"a/b": str("String", "v")}}, code("InvalidParameterValue")},
		{"not a number", sqs.SendMessageInput{MessageBody: aws.String("x"), MessageAttributes: map[string]sqstypes.MessageAttributeValue{"n": str("Number", "1,5")}}, code("InvalidParameterValue")},
		{"unknown type", sqs.SendMessageInput{MessageBody: aws.String("x"), MessageAttributes: map[string]sqstypes.MessageAttributeValue{"n": str("Boolean", "true")}}, code("InvalidParameterValue")},
		{"empty value", sqs.SendMessageInput{MessageBody: aws.String("x"), MessageAttributes: map[string]sqstypes.MessageAttributeValue{"n": str("String", "")}}, code("InvalidParameterValue")},
		{"list values", sqs.SendMessageInput{MessageBody: aws.String("x"), MessageAttributes: map[string]sqstypes.MessageAttributeValue{"n": {DataType: aws.String("String"), StringValue: aws.String("a"), StringListValues: []string{"a"}}}}, code("InvalidParameterValue")},
		{"unknown system attribute", sqs.SendMessageInput{MessageBody: aws.String("x"), MessageSystemAttributes: map[string]sqstypes.MessageSystemAttributeValue{"Trace": {DataType: aws.String("String"), StringValue: aws.String("t")}}}, code("InvalidParameterValue")},
	}
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.QueueUrl = aws.String(work)
			_, err := h.sqs.SendMessage(ctx, &tt.in)
			if tt.check == nil {
				if err != nil {
					t.Fatalf("SendMessage: %v", err)
				}
				return
			}
			tt.check(t, err)
		})
	}

	// The limit follows the queue's MaximumMessageSize.
	out, err := h.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("small"), Attributes: map[string]string{"MaximumMessageSize": "1024"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: out.QueueUrl, MessageBody: aws.String(strings.Repeat("x", 1024))}); err != nil {
		t.Errorf("1024 bytes to a 1024-byte queue: %v", err)
	}
	_, err = h.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: out.QueueUrl, MessageBody: aws.String(strings.Repeat("x", 1025))})
	wantCode(t, err, "InvalidParameterValue")
}

func code(c string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		wantCode(t, err, c)
	}
}

func TestDelays(t *testing.T) {
	ctx := context.Background()
	spec := queues.Spec{Queues: []queues.QueueSpec{{Account: mgmt, Region: home, Name: "slow", DelaySeconds: 30}}}
	h := newHarness(t, spec)
	slow := queues.URL(mgmt, home, "slow")

	queueDefault := h.send(t, slow, "queue default")
	if _, err := h.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(slow), MessageBody: aws.String("continuation"), DelaySeconds: 120}); err != nil {
		t.Fatal(err)
	}
	if got := h.receive(t, slow, 0); len(got.Messages) != 0 {
		t.Fatalf("received %d delayed messages", len(got.Messages))
	}
	if st := h.svc.Stats(slow); st != (queues.Stats{Delayed: 2}) {
		t.Errorf("Stats = %+v, want 2 delayed", st)
	}
	next, ok := h.svc.NextVisibleAt(slow)
	if !ok || !next.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("NextVisibleAt = %v, %v; want t0+30s", next, ok)
	}
	if h.svc.HasVisible(slow) {
		t.Error("HasVisible = true while every message is delayed")
	}

	h.clock.AdvanceTo(next)
	if !h.svc.HasVisible(slow) {
		t.Error("HasVisible = false once the queue-default delay has passed")
	}
	got := h.receive(t, slow, 0)
	if h.svc.HasVisible(slow) {
		t.Error("HasVisible = true with the one visible message in flight")
	}
	if len(got.Messages) != 1 || aws.ToString(got.Messages[0].MessageId) != aws.ToString(queueDefault.MessageId) {
		t.Fatalf("at t0+30s received %+v, want the queue-default message", got.Messages)
	}
	next, ok = h.svc.NextVisibleAt(slow)
	if !ok || !next.Equal(t0.Add(60*time.Second)) { // the in-flight message (visibility 30 s) comes back first
		t.Errorf("NextVisibleAt = %v, %v; want t0+60s", next, ok)
	}
	if _, err := h.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(slow), ReceiptHandle: got.Messages[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	next, _ = h.svc.NextVisibleAt(slow)
	if !next.Equal(t0.Add(120 * time.Second)) {
		t.Errorf("NextVisibleAt = %v, want t0+120s", next)
	}
	h.clock.AdvanceTo(next.Add(-time.Second))
	if got := h.receive(t, slow, 0); len(got.Messages) != 0 {
		t.Error("continuation received a second early")
	}
	h.clock.AdvanceTo(next)
	got = h.receive(t, slow, 0)
	if len(got.Messages) != 1 || aws.ToString(got.Messages[0].Body) != "continuation" {
		t.Fatalf("at t0+120s received %+v", got.Messages)
	}
	if sent := got.Messages[0].Attributes["SentTimestamp"]; sent != millis(t0) {
		t.Errorf("SentTimestamp = %s, want the send time %s", sent, millis(t0))
	}
}

func TestVisibilityAndDelete(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.sqs
	h.send(t, work, "run 222222222222")

	first := h.receive(t, work, 0)
	if len(first.Messages) != 1 {
		t.Fatalf("received %d, want 1", len(first.Messages))
	}
	a := first.Messages[0].Attributes
	if a["ApproximateReceiveCount"] != "1" || a["SentTimestamp"] != millis(t0) || a["ApproximateFirstReceiveTimestamp"] != millis(t0) || a["SenderId"] != "AROA111111111111:test" {
		t.Errorf("first receive attributes = %v", a)
	}
	if got := h.receive(t, work, 0); len(got.Messages) != 0 {
		t.Error("in-flight message received again")
	}
	if st := h.svc.Stats(work); st != (queues.Stats{InFlight: 1}) {
		t.Errorf("Stats = %+v, want 1 in flight", st)
	}
	if next, ok := h.svc.NextVisibleAt(work); !ok || !next.Equal(t0.Add(60*time.Second)) {
		t.Errorf("NextVisibleAt = %v, %v; want t0+60s (the queue's visibility timeout)", next, ok)
	}

	h.clock.Advance(60 * time.Second)
	second := h.receive(t, work, 5)
	if len(second.Messages) != 1 {
		t.Fatalf("after the visibility timeout received %d, want 1", len(second.Messages))
	}
	a = second.Messages[0].Attributes
	if a["ApproximateReceiveCount"] != "2" || a["ApproximateFirstReceiveTimestamp"] != millis(t0) {
		t.Errorf("second receive attributes = %v", a)
	}
	if next, _ := h.svc.NextVisibleAt(work); !next.Equal(t0.Add(65 * time.Second)) {
		t.Errorf("NextVisibleAt = %v, want t0+65s (the receive's VisibilityTimeout)", next)
	}

	// The first, stale handle still deletes the message, as in SQS; so does
	// deleting it again.
	for range 2 {
		if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(work), ReceiptHandle: first.Messages[0].ReceiptHandle}); err != nil {
			t.Fatalf("DeleteMessage with a stale handle: %v", err)
		}
	}
	if st := h.svc.Stats(work); st != (queues.Stats{}) {
		t.Errorf("Stats after delete = %+v, want empty", st)
	}

	_, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(work), ReceiptHandle: aws.String("garbage")})
	_ = wantError[*sqstypes.ReceiptHandleIsInvalid](t, err)
	// A handle is only valid for its own queue.
	_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(workDLQ), ReceiptHandle: second.Messages[0].ReceiptHandle})
	_ = wantError[*sqstypes.ReceiptHandleIsInvalid](t, err)
}

func TestChangeMessageVisibility(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.sqs
	change := func(handle *string, timeout int32) error {
		_, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(work), ReceiptHandle: handle, VisibilityTimeout: timeout})
		return err
	}
	h.send(t, work, "m")
	handle := h.receive(t, work, 0).Messages[0].ReceiptHandle

	if err := change(handle, 300); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(299 * time.Second)
	if got := h.receive(t, work, 0); len(got.Messages) != 0 {
		t.Error("received before the extended timeout")
	}
	if err := change(handle, 0); err != nil {
		t.Fatal(err)
	}
	if st := h.svc.Stats(work); st.Visible != 1 {
		t.Errorf("Stats after timeout 0 = %+v, want visible", st)
	}
	_ = wantError[*sqstypes.MessageNotInflight](t, change(handle, 10))
	_ = wantError[*sqstypes.ReceiptHandleIsInvalid](t, change(aws.String("garbage"), 10))
	wantCode(t, change(handle, 43201), "InvalidParameterValue")

	// No receive may be extended past 12 hours.
	handle = h.receive(t, work, 43200).Messages[0].ReceiptHandle
	h.clock.Advance(11 * time.Hour)
	if err := change(handle, 3600); err != nil {
		t.Errorf("extending to exactly 12 h: %v", err)
	}
	wantCode(t, change(handle, 3601), "InvalidParameterValue")

	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(work), ReceiptHandle: handle}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, change(handle, 10), "InvalidParameterValue")
}

func TestRedrive(t *testing.T) {
	ctx := context.Background()
	spec := queues.Spec{Queues: []queues.QueueSpec{
		{Account: mgmt, Region: home, Name: "runs", VisibilityTimeout: aws.Int(10), DeadLetter: &queues.DeadLetterSpec{Name: "runs-dlq", MaxReceiveCount: 2}},
		{Account: mgmt, Region: home, Name: "runs-dlq"},
	}}
	h := newHarness(t, spec)
	runs, dlq := queues.URL(mgmt, home, "runs"), queues.URL(mgmt, home, "runs-dlq")
	sent, err := h.sqs.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:          aws.String(runs),
		MessageBody:       aws.String("poison"),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("run")}},
	})
	if err != nil {
		t.Fatal(err)
	}

	for i := 1; i <= 2; i++ {
		got := h.receive(t, runs, 0)
		if len(got.Messages) != 1 || got.Messages[0].Attributes["ApproximateReceiveCount"] != strconv.Itoa(i) {
			t.Fatalf("receive %d = %+v", i, got.Messages)
		}
		h.clock.Advance(10 * time.Second)
	}
	// The third receive moves the message instead of delivering it.
	if got := h.receive(t, runs, 0); len(got.Messages) != 0 {
		t.Fatalf("receive 3 delivered %+v, want the message moved to the dead-letter queue", got.Messages)
	}
	if st := h.svc.Stats(runs); st != (queues.Stats{}) {
		t.Errorf("source Stats = %+v, want empty", st)
	}
	if st := h.svc.Stats(dlq); st != (queues.Stats{Visible: 1}) {
		t.Errorf("dead-letter Stats = %+v, want 1 visible", st)
	}
	got := h.receive(t, dlq, 0)
	if len(got.Messages) != 1 {
		t.Fatalf("dead-letter queue delivered %d messages", len(got.Messages))
	}
	m := got.Messages[0]
	if aws.ToString(m.MessageId) != aws.ToString(sent.MessageId) || aws.ToString(m.Body) != "poison" ||
		aws.ToString(m.MessageAttributes["kind"].StringValue) != "run" || aws.ToString(m.MD5OfMessageAttributes) != aws.ToString(sent.MD5OfMessageAttributes) {
		t.Errorf("dead-lettered message = %+v", m)
	}
	want := map[string]string{
		"ApproximateReceiveCount":  "1",
		"SentTimestamp":            millis(t0),
		"DeadLetterQueueSourceArn": queues.ARN(mgmt, home, "runs"),
	}
	for k, v := range want {
		if m.Attributes[k] != v {
			t.Errorf("%s = %q, want %q", k, m.Attributes[k], v)
		}
	}
}

func TestBatches(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.sqs
	entry := func(id, body string) sqstypes.SendMessageBatchRequestEntry {
		return sqstypes.SendMessageBatchRequestEntry{Id: aws.String(id), MessageBody: aws.String(body)}
	}

	bad := entry("bad", "x")
	bad.MessageAttributes = map[string]sqstypes.MessageAttributeValue{"Amazon.x": {DataType: aws.String("String"), StringValue: aws.String("v")}}
	delayed := entry("later", "continuation")
	delayed.DelaySeconds = 300
	out, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(work), Entries: []sqstypes.SendMessageBatchRequestEntry{entry("a", "one"), bad, delayed}})
	if err != nil {
		t.Fatalf("SendMessageBatch: %v", err) // includes the SDK's MD5 check of every body
	}
	if len(out.Successful) != 2 || len(out.Failed) != 1 {
		t.Fatalf("Successful %d, Failed %d; want 2 and 1", len(out.Successful), len(out.Failed))
	}
	if f := out.Failed[0]; aws.ToString(f.Id) != "bad" || aws.ToString(f.Code) != "InvalidParameterValue" || !f.SenderFault {
		t.Errorf("failed entry = %+v", f)
	}
	if st := h.svc.Stats(work); st != (queues.Stats{Visible: 1, Delayed: 1}) {
		t.Errorf("Stats = %+v, want 1 visible and 1 delayed", st)
	}

	var eleven []sqstypes.SendMessageBatchRequestEntry
	for i := range 11 {
		eleven = append(eleven, entry(fmt.Sprint("e", i), "x"))
	}
	tests := []struct {
		name    string
		entries []sqstypes.SendMessageBatchRequestEntry
		check   func(*testing.T, error)
	}{
		{"empty", []sqstypes.SendMessageBatchRequestEntry{}, func(t *testing.T, err error) { _ = wantError[*sqstypes.EmptyBatchRequest](t, err) }},
		{"eleven", eleven, func(t *testing.T, err error) { _ = wantError[*sqstypes.TooManyEntriesInBatchRequest](t, err) }},
		{"repeated id", []sqstypes.SendMessageBatchRequestEntry{entry("a", "x"), entry("a", "y")}, func(t *testing.T, err error) { _ = wantError[*sqstypes.BatchEntryIdsNotDistinct](t, err) }},
		{"bad id", []sqstypes.SendMessageBatchRequestEntry{entry("a b", "x")}, func(t *testing.T, err error) { _ = wantError[*sqstypes.InvalidBatchEntryId](t, err) }},
		{"too long in total", []sqstypes.SendMessageBatchRequestEntry{entry("a", strings.Repeat("x", 200000)), entry("b", strings.Repeat("x", 100000))}, func(t *testing.T, err error) {
			_ = wantError[*sqstypes.BatchRequestTooLong](t, err)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(work), Entries: tt.entries})
			tt.check(t, err)
		})
	}

	h.clock.Advance(300 * time.Second)
	got := h.receive(t, work, 0)
	if len(got.Messages) != 2 {
		t.Fatalf("received %d, want 2", len(got.Messages))
	}
	vis, err := c.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(work), Entries: []sqstypes.ChangeMessageVisibilityBatchRequestEntry{
		{Id: aws.String("ok"), ReceiptHandle: got.Messages[0].ReceiptHandle, VisibilityTimeout: 0},
		{Id: aws.String("bad"), ReceiptHandle: aws.String("garbage"), VisibilityTimeout: 0},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vis.Successful) != 1 || len(vis.Failed) != 1 || aws.ToString(vis.Failed[0].Code) != "ReceiptHandleIsInvalid" {
		t.Errorf("ChangeMessageVisibilityBatch = %+v / %+v", vis.Successful, vis.Failed)
	}
	del, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(work), Entries: []sqstypes.DeleteMessageBatchRequestEntry{
		{Id: aws.String("one"), ReceiptHandle: got.Messages[0].ReceiptHandle},
		{Id: aws.String("two"), ReceiptHandle: got.Messages[1].ReceiptHandle},
		{Id: aws.String("bad"), ReceiptHandle: aws.String("garbage")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.Successful) != 2 || len(del.Failed) != 1 || aws.ToString(del.Failed[0].Id) != "bad" || aws.ToString(del.Failed[0].Code) != "ReceiptHandleIsInvalid" {
		t.Errorf("DeleteMessageBatch = %+v / %+v", del.Successful, del.Failed)
	}
	if st := h.svc.Stats(work); st != (queues.Stats{}) {
		t.Errorf("Stats = %+v, want empty", st)
	}
}

func TestReceiveParameters(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.sqs
	// Long polling answers at once: the emulator clock may be manual, so
	// nothing could arrive while a request waited.
	out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(work), WaitTimeSeconds: 20})
	if err != nil || len(out.Messages) != 0 {
		t.Errorf("long poll of an empty queue = %v, %v", out, err)
	}
	for i := range 12 {
		h.send(t, work, fmt.Sprint("m", i))
	}
	out, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(work)})
	if err != nil || len(out.Messages) != 1 {
		t.Errorf("default MaxNumberOfMessages received %d, %v; want 1", len(out.Messages), err)
	}
	if got := h.receive(t, work, 0); len(got.Messages) != 10 {
		t.Errorf("MaxNumberOfMessages 10 received %d", len(got.Messages))
	}
	bad := []sqs.ReceiveMessageInput{
		{MaxNumberOfMessages: 11},
		{MaxNumberOfMessages: -1},
		{WaitTimeSeconds: 21},
		{VisibilityTimeout: 43201},
	}
	for _, in := range bad {
		in.QueueUrl = aws.String(work)
		_, err := c.ReceiveMessage(ctx, &in)
		wantCode(t, err, "InvalidParameterValue")
	}
	_, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(work), MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"Colour"}})
	// The code, not the Go type: SQS clients before v1.49.0 (the one
	// go.mod pins) do not list it among ReceiveMessage's errors.
	wantCode(t, err, "InvalidAttributeName")
	// Older callers still send the deprecated AttributeNames.
	out, err = c.ReceiveMessage(
		ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(work), AttributeNames: []sqstypes.QueueAttributeName{"SentTimestamp"}}) //nolint:staticcheck // SA1019: the emulator must keep accepting the deprecated field
	if err != nil || len(out.Messages[0].Attributes) != 1 || out.Messages[0].Attributes["SentTimestamp"] == "" {
		t.Errorf("AttributeNames [SentTimestamp] = %v, %v", out.Messages, err)
	}
}

func TestAccessAndAddressing(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	memberClient := h.client("AKIDMEMBER", home)

	// Another account's queue is reachable by URL and by owner: whether the
	// caller may use it is IAM's decision (package authz), by the queue
	// policy, so the service itself refuses nothing.
	if _, err := memberClient.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(work), MessageBody: aws.String("x")}); err != nil {
		t.Errorf("cross-account SendMessage: %v", err)
	}
	got, err := memberClient.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("landfall-work"), QueueOwnerAWSAccountId: aws.String(mgmt)})
	if err != nil || aws.ToString(got.QueueUrl) != work {
		t.Errorf("cross-account GetQueueUrl = %v, %v; want %s", got, err, work)
	}

	// Any host is accepted, so URLs built for another endpoint work.
	if _, err := h.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String("http://localhost:4566/111111111111/landfall-work"), MessageBody: aws.String("x")}); err != nil {
		t.Errorf("SendMessage to a local-endpoint URL: %v", err)
	}
	for _, u := range []string{"https://sqs.us-west-2.amazonaws.com/111111111111/landfall-work", "landfall-work", "https://sqs.us-east-1.amazonaws.com/landfall-work"} {
		_, err := h.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(u), MessageBody: aws.String("x")})
		_ = wantError[*sqstypes.InvalidAddress](t, err)
	}
	// The same name in another region is another queue.
	_, err = h.client("AKIDMGMT", "us-west-2").SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String("http://localhost/111111111111/landfall-work"), MessageBody: aws.String("x")})
	_ = wantError[*sqstypes.QueueDoesNotExist](t, err)
}

func TestPurgeAndRetention(t *testing.T) {
	ctx := context.Background()
	spec := queues.Spec{Queues: []queues.QueueSpec{{Account: mgmt, Region: home, Name: "short", MessageRetentionPeriod: 60}}}
	h := newHarness(t, spec)
	short := queues.URL(mgmt, home, "short")

	h.send(t, short, "old")
	h.clock.Advance(59 * time.Second)
	if st := h.svc.Stats(short); st.Visible != 1 {
		t.Errorf("at 59 s Stats = %+v, want the message kept", st)
	}
	h.clock.Advance(time.Second)
	if st := h.svc.Stats(short); st != (queues.Stats{}) {
		t.Errorf("at 60 s Stats = %+v, want the message expired", st)
	}

	h.send(t, short, "a")
	h.send(t, short, "b")
	if _, err := h.sqs.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(short)}); err != nil {
		t.Fatal(err)
	}
	if st := h.svc.Stats(short); st != (queues.Stats{}) {
		t.Errorf("Stats after purge = %+v", st)
	}
	_, err := h.sqs.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(short)})
	_ = wantError[*sqstypes.PurgeQueueInProgress](t, err)
	h.clock.Advance(60 * time.Second)
	if _, err := h.sqs.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(short)}); err != nil {
		t.Errorf("purge 60 s later: %v", err)
	}
}

func TestGoAPI(t *testing.T) {
	h := newHarness(t, defaultSpec)
	sent := h.send(t, work, "job")

	msgs := h.svc.Messages(work)
	if len(msgs) != 1 || msgs[0].ID != aws.ToString(sent.MessageId) || msgs[0].State != "visible" || !msgs[0].SentAt.Equal(t0) {
		t.Fatalf("Messages = %+v", msgs)
	}
	got, err := h.svc.Receive(work, 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("Receive = %+v, %v", got, err)
	}
	d := got[0]
	if d.Body != "job" || d.EventSourceARN != queues.ARN(mgmt, home, "landfall-work") || d.Attributes["ApproximateReceiveCount"] != "1" || d.MD5OfBody != aws.ToString(sent.MD5OfMessageBody) {
		t.Errorf("Delivery = %+v", d)
	}
	if m := h.svc.Messages(work)[0]; m.State != "in flight" || m.ReceiveCount != 1 || !m.VisibleAt.Equal(t0.Add(60*time.Second)) {
		t.Errorf("after Receive, message = %+v", m)
	}
	// The SDK and the Go API share receipt handles.
	if _, err := h.sqs.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(work), ReceiptHandle: aws.String(d.ReceiptHandle)}); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.Delete(work, d.ReceiptHandle); err != nil {
		t.Errorf("Delete of a deleted message: %v, want nil", err)
	}
	if err := h.svc.Delete(work, "garbage"); err == nil {
		t.Error("Delete with an invalid handle succeeded")
	}
	if _, err := h.svc.Receive(work, 0); err == nil {
		t.Error("Receive of 0 messages succeeded")
	}
	missing := queues.URL(mgmt, home, "missing")
	if _, err := h.svc.Receive(missing, 1); err == nil {
		t.Error("Receive from a missing queue succeeded")
	}
	if st := h.svc.Stats(missing); st != (queues.Stats{}) {
		t.Errorf("Stats of a missing queue = %+v", st)
	}
	if _, ok := h.svc.NextVisibleAt(work); ok {
		t.Error("NextVisibleAt of an empty queue reported a time")
	}
	if h.svc.Messages(missing) != nil {
		t.Error("Messages of a missing queue is not nil")
	}
}

// Without WithClock, the Go API works at the time of the latest request.
func TestGoAPIWithoutClock(t *testing.T) {
	svc, err := queues.New(defaultSpec)
	if err != nil {
		t.Fatal(err)
	}
	other := serve(svc, clock.NewManual(t0))

	if _, err := other.sqs.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(work), MessageBody: aws.String("x"), DelaySeconds: 10}); err != nil {
		t.Fatal(err)
	}
	other.clock.Advance(10 * time.Second)
	if st := svc.Stats(work); st != (queues.Stats{Delayed: 1}) {
		t.Errorf("Stats = %+v, want delayed as of the last request", st)
	}
	if _, err := other.sqs.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("landfall-work")}); err != nil {
		t.Fatal(err)
	}
	if st := svc.Stats(work); st != (queues.Stats{Visible: 1}) {
		t.Errorf("Stats = %+v, want visible after a request at t0+10s", st)
	}
}
