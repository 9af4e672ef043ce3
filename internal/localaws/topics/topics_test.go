package topics_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/landfall/landfall/internal/localaws/topics"
)

func TestSpecValidate(t *testing.T) {
	tests := []struct {
		name string
		spec topics.Spec
		want []string // substrings of the error; nil means valid
	}{
		{name: "default world", spec: defaultSpec},
		{name: "empty", spec: topics.Spec{}},
		{
			name: "bad name",
			spec: topics.Spec{Topics: []topics.TopicSpec{{Account: mgmt, Region: home, Name: "bad name!"}}},
			want: []string{`topics[0].name: "bad name!" must be 1-256 characters of A-Za-z0-9_-`},
		},
		{
			name: "fifo",
			spec: topics.Spec{Topics: []topics.TopicSpec{{Account: mgmt, Region: home, Name: "events.fifo"}}},
			want: []string{`topics[0].name: "events.fifo" is a FIFO topic name: FIFO topics are not emulated`},
		},
		{
			name: "every problem at once",
			spec: topics.Spec{Topics: []topics.TopicSpec{
				{Account: mgmt, Region: home, Name: "a"},
				{Account: "1234", Region: "us-west-9", Name: "", DisplayName: strings.Repeat("x", 101)},
				{Account: mgmt, Region: home, Name: "a"},
			}},
			want: []string{
				`topics[1].account: "1234" must be a 12-digit AWS account ID`,
				`topics[1].region: "us-west-9" is not an AWS region`,
				`topics[1].name: "" must be 1-256 characters`,
				`topics[1].displayName: must be at most 100 characters`,
				`topics[2]: duplicates topics[0] (111111111111/us-east-1/a)`,
			},
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
			if _, nerr := topics.New(tt.spec); nerr == nil {
				t.Error("New accepted an invalid spec")
			}
		})
	}
}

func TestCreateTopic(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.client("AKIDMGMT", home)

	out, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("landfall-notifications")})
	if err != nil {
		t.Fatalf("CreateTopic existing: %v", err)
	}
	if got := aws.ToString(out.TopicArn); got != notifications {
		t.Errorf("TopicArn = %s, want %s", got, notifications)
	}

	attrs := map[string]string{"DisplayName": "Landfall"}
	if _, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts"), Attributes: attrs}); err != nil {
		t.Fatalf("CreateTopic new: %v", err)
	}
	if _, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts"), Attributes: attrs}); err != nil {
		t.Errorf("CreateTopic with the same attributes: %v, want the existing topic", err)
	}
	_, err = c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts"), Attributes: map[string]string{"DisplayName": "Other"}})
	e := wantError[*snstypes.InvalidParameterException](t, err)
	if !strings.Contains(e.ErrorMessage(), "already exists with different attributes") {
		t.Errorf("message = %q", e.ErrorMessage())
	}

	for _, bad := range []string{"bad name!", strings.Repeat("a", 257), "events.fifo"} {
		_, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(bad)})
		_ = wantError[*snstypes.InvalidParameterException](t, err)
	}
	_, err = c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("x"), Attributes: map[string]string{"Colour": "red"}})
	_ = wantError[*snstypes.InvalidParameterException](t, err)

	// The member account's topic of the same name is a different topic.
	mout, err := h.client("AKIDMEMBER", "us-west-2").CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts")})
	if err != nil {
		t.Fatalf("CreateTopic in member: %v", err)
	}
	if got, want := aws.ToString(mout.TopicArn), "arn:aws:sns:us-west-2:222222222222:alerts"; got != want {
		t.Errorf("TopicArn = %s, want %s", got, want)
	}
}

func TestListTopicsPages(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, topics.Spec{})
	c := h.client("AKIDMGMT", home)
	const n = 205
	for i := range n {
		if _, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(fmt.Sprintf("t%03d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	// Another account's and another region's topics are not listed.
	if _, err := h.client("AKIDMEMBER", home).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("theirs")}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client("AKIDMGMT", "eu-west-1").CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("elsewhere")}); err != nil {
		t.Fatal(err)
	}

	var sizes []int
	seen := map[string]bool{}
	p := sns.NewListTopicsPaginator(c, &sns.ListTopicsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(page.Topics))
		for _, tp := range page.Topics {
			seen[aws.ToString(tp.TopicArn)] = true
		}
	}
	if fmt.Sprint(sizes) != "[100 100 5]" {
		t.Errorf("page sizes = %v, want [100 100 5]", sizes)
	}
	if len(seen) != n {
		t.Errorf("listed %d distinct topics, want %d", len(seen), n)
	}

	_, err := c.ListTopics(ctx, &sns.ListTopicsInput{NextToken: aws.String("bogus")})
	_ = wantError[*snstypes.InvalidParameterException](t, err)
}

func TestTopicAttributes(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.client("AKIDMGMT", home)

	for name, value := range map[string]string{"DisplayName": "Landfall", "KmsMasterKeyId": "alias/aws/sns", "Policy": `{"Version":"2012-10-17","Statement":[]}`} {
		if _, err := c.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(notifications), AttributeName: aws.String(name), AttributeValue: aws.String(value)}); err != nil {
			t.Fatalf("SetTopicAttributes %s: %v", name, err)
		}
	}
	if _, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(notifications), Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(notifications)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"TopicArn":               notifications,
		"Owner":                  mgmt,
		"DisplayName":            "Landfall",
		"KmsMasterKeyId":         "alias/aws/sns",
		"Policy":                 `{"Version":"2012-10-17","Statement":[]}`,
		"SubscriptionsConfirmed": "0",
		"SubscriptionsPending":   "1",
		"SubscriptionsDeleted":   "0",
	}
	for k, v := range want {
		if out.Attributes[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, out.Attributes[k], v)
		}
	}

	bad := []sns.SetTopicAttributesInput{
		{AttributeName: aws.String("Colour"), AttributeValue: aws.String("red")},
		{AttributeName: aws.String("Policy"), AttributeValue: aws.String("{not json")},
		{AttributeName: aws.String("DisplayName"), AttributeValue: aws.String(strings.Repeat("x", 101))},
	}
	for _, in := range bad {
		in.TopicArn = aws.String(notifications)
		_, err := c.SetTopicAttributes(ctx, &in)
		_ = wantError[*snstypes.InvalidParameterException](t, err)
	}

	// Without a Policy, the owner-only default policy is reported.
	if _, err := c.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(notifications), AttributeName: aws.String("Policy"), AttributeValue: aws.String("")}); err != nil {
		t.Fatal(err)
	}
	out, err = c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(notifications)})
	if err != nil {
		t.Fatal(err)
	}
	if p := out.Attributes["Policy"]; !strings.Contains(p, `"AWS:SourceOwner":"111111111111"`) {
		t.Errorf("default Policy = %s", p)
	}
}

func TestSubscribe(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.client("AKIDMGMT", home)
	subscribe := func(protocol, endpoint string) (string, error) {
		out, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(notifications), Protocol: aws.String(protocol), Endpoint: aws.String(endpoint)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.SubscriptionArn), nil
	}

	email, err := subscribe("email", "ops@example.com")
	if err != nil || email != "pending confirmation" {
		t.Errorf("email Subscribe = %q, %v; want pending confirmation", email, err)
	}
	queue, err := subscribe("sqs", "arn:aws:sqs:us-east-1:111111111111:landfall-work")
	if err != nil || !strings.HasPrefix(queue, notifications+":") {
		t.Errorf("sqs Subscribe = %q, %v; want a subscription ARN", queue, err)
	}
	fn, err := subscribe("lambda", "arn:aws:lambda:us-east-1:111111111111:function:notify")
	if err != nil || !strings.HasPrefix(fn, notifications+":") {
		t.Errorf("lambda Subscribe = %q, %v; want a subscription ARN", fn, err)
	}
	if again, _ := subscribe("sqs", "arn:aws:sqs:us-east-1:111111111111:landfall-work"); again != queue {
		t.Errorf("repeated Subscribe = %s, want the same ARN %s", again, queue)
	}
	full, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(notifications), Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com"), ReturnSubscriptionArn: true})
	if err != nil || !strings.HasPrefix(aws.ToString(full.SubscriptionArn), notifications+":") {
		t.Errorf("Subscribe with ReturnSubscriptionArn = %v, %v", aws.ToString(full.SubscriptionArn), err)
	}

	list, err := c.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(notifications)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range list.Subscriptions {
		got[aws.ToString(s.Protocol)] = aws.ToString(s.SubscriptionArn)
		if aws.ToString(s.Owner) != mgmt || aws.ToString(s.TopicArn) != notifications {
			t.Errorf("subscription %+v: wrong owner or topic", s)
		}
	}
	if got["email"] != "PendingConfirmation" || got["sqs"] != queue || got["lambda"] != fn || len(got) != 3 {
		t.Errorf("ListSubscriptionsByTopic = %v", got)
	}

	subs := h.svc.Subscriptions(notifications)
	if err := h.svc.ConfirmSubscription(subs[0].ARN); err != nil {
		t.Fatal(err)
	}
	list, err = c.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(notifications)})
	if err != nil {
		t.Fatal(err)
	}
	if arn := aws.ToString(list.Subscriptions[0].SubscriptionArn); arn != subs[0].ARN {
		t.Errorf("confirmed email subscription listed as %s, want %s", arn, subs[0].ARN)
	}

	if _, err := c.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(fn)}); err != nil {
		t.Fatal(err)
	}
	if n := len(h.svc.Subscriptions(notifications)); n != 2 {
		t.Errorf("%d subscriptions after Unsubscribe, want 2", n)
	}
	_, err = c.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(fn)})
	_ = wantError[*snstypes.NotFoundException](t, err)

	bad := [][2]string{
		{"carrier-pigeon", "coop"},
		{"email", "not-an-address"},
		{"sqs", "landfall-work"},
		{"lambda", "arn:aws:sqs:us-east-1:111111111111:q"},
		{"https", "http://example.com/hook"},
	}
	for _, b := range bad {
		_, err := subscribe(b[0], b[1])
		_ = wantError[*snstypes.InvalidParameterException](t, err)
	}
}

func TestPublish(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.client("AKIDMGMT", home)
	h.clock.Advance(90 * time.Second)

	out, err := c.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(notifications),
		Subject:  aws.String("[landfall] 222222222222: 3 of 3 products provisioned"),
		Message:  aws.String("all good"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"account": {DataType: aws.String("String"), StringValue: aws.String("222222222222")},
			"failed":  {DataType: aws.String("Number"), StringValue: aws.String("0")},
			"regions": {DataType: aws.String("String.Array"), StringValue: aws.String(`["us-east-1","us-west-2"]`)},
			"digest":  {DataType: aws.String("Binary"), BinaryValue: []byte{0xde, 0xad}},
		},
	})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	second, err := c.Publish(ctx, &sns.PublishInput{TargetArn: aws.String(notifications), Message: aws.String("second")})
	if err != nil {
		t.Fatalf("Publish with TargetArn: %v", err)
	}

	msgs := h.svc.Messages(notifications)
	if len(msgs) != 2 {
		t.Fatalf("Messages = %d, want 2", len(msgs))
	}
	m := msgs[0]
	if m.MessageID != aws.ToString(out.MessageId) || msgs[1].MessageID != aws.ToString(second.MessageId) {
		t.Errorf("message IDs = %s, %s; Publish returned %s, %s", m.MessageID, msgs[1].MessageID, aws.ToString(out.MessageId), aws.ToString(second.MessageId))
	}
	if m.Subject != "[landfall] 222222222222: 3 of 3 products provisioned" || m.Message != "all good" || m.TopicARN != notifications {
		t.Errorf("message = %+v", m)
	}
	if !m.PublishedAt.Equal(t0.Add(90*time.Second)) || m.PublisherAccount != mgmt {
		t.Errorf("PublishedAt, PublisherAccount = %v, %s", m.PublishedAt, m.PublisherAccount)
	}
	wantAttrs := map[string]topics.Attribute{
		"account": {DataType: "String", Value: "222222222222"},
		"failed":  {DataType: "Number", Value: "0"},
		"regions": {DataType: "String.Array", Value: `["us-east-1","us-west-2"]`},
		"digest":  {DataType: "Binary", Value: "3q0="},
	}
	if fmt.Sprint(m.Attributes) != fmt.Sprint(wantAttrs) {
		t.Errorf("Attributes = %v, want %v", m.Attributes, wantAttrs)
	}
	if all := h.svc.All(); len(all) != 2 || all[1].Message != "second" {
		t.Errorf("All() = %+v", all)
	}
	// Snapshots are copies.
	msgs[0].Attributes["account"] = topics.Attribute{}
	if h.svc.Messages(notifications)[0].Attributes["account"].Value != "222222222222" {
		t.Error("Messages returned the stored map, not a copy")
	}
}

func TestPublishErrors(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.client("AKIDMGMT", home)

	_, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topics.ARN(mgmt, home, "missing")), Message: aws.String("x")})
	e := wantError[*snstypes.NotFoundException](t, err)
	if e.ErrorMessage() != "Topic does not exist" || httpStatus(err) != http.StatusNotFound {
		t.Errorf("NotFound message %q, status %d", e.ErrorMessage(), httpStatus(err))
	}

	_, err = h.client("AKIDMGMT", "us-west-2").Publish(ctx, &sns.PublishInput{TopicArn: aws.String(notifications), Message: aws.String("x")})
	_ = wantError[*snstypes.InvalidParameterException](t, err)

	_, err = c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(notifications), TargetArn: aws.String(notifications), Message: aws.String("x")})
	_ = wantError[*snstypes.InvalidParameterException](t, err)

	_, err = c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(notifications), Message: aws.String("")})
	_ = wantError[*snstypes.InvalidParameterException](t, err)

	// The limit counts the attributes too.
	attr := map[string]snstypes.MessageAttributeValue{"k": {DataType: aws.String("String"), StringValue: aws.String("v")}} // 1+6+1 bytes
	_, err = c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(notifications), Message: aws.String(strings.Repeat("x", topics.MaxMessageBytes-8)), MessageAttributes: attr})
	if err != nil {
		t.Errorf("Publish of exactly %d bytes: %v", topics.MaxMessageBytes, err)
	}
	_, err = c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(notifications), Message: aws.String(strings.Repeat("x", topics.MaxMessageBytes-7)), MessageAttributes: attr})
	_ = wantError[*snstypes.InvalidParameterException](t, err)

	if n := len(h.svc.All()); n != 1 {
		t.Errorf("%d messages kept, want only the 1 accepted", n)
	}
}

func TestPublishSubject(t *testing.T) {
	tests := []struct {
		subject string
		ok      bool
	}{
		{"Account 222222222222 provisioned", true},
		{"[landfall] done", true},
		{"!alert", true},
		{"9 products", true},
		{strings.Repeat("s", 99), true},
		{strings.Repeat("s", 100), false},
		{"", false},
		{" leading space", false},
		{"two\nlines", false},
		{"carriage\rreturn", false},
		{"tab\there", false},
		{"bell\a", false},
		{"café", false},
		{"emoji 🚀", false},
	}
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.client("AKIDMGMT", home)
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.20q", tt.subject), func(t *testing.T) {
			if got := topics.ValidSubject(tt.subject); got != tt.ok {
				t.Errorf("ValidSubject = %v, want %v", got, tt.ok)
			}
			_, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(notifications), Message: aws.String("m"), Subject: aws.String(tt.subject)})
			if tt.ok {
				if err != nil {
					t.Errorf("Publish: %v", err)
				}
				return
			}
			e := wantError[*snstypes.InvalidParameterException](t, err)
			if e.ErrorMessage() != "Invalid parameter: Subject" {
				t.Errorf("message = %q, want Invalid parameter: Subject", e.ErrorMessage())
			}
		})
	}
}

func TestPublishMessageStructure(t *testing.T) {
	tests := []struct {
		name, message, structure string
		wantErr                  string // empty: accepted
	}{
		{name: "default only", message: `{"default":"hello"}`, structure: "json"},
		{name: "per protocol", message: `{"default":"d","email":"e","sqs":"{\"k\":1}"}`, structure: "json"},
		{name: "no default", message: `{"email":"e"}`, structure: "json", wantErr: "Invalid parameter: Message Structure - No default entry in JSON message body"},
		{name: "not json", message: `hello`, structure: "json", wantErr: "Invalid parameter: Message Structure - JSON message body failed to parse"},
		{name: "array", message: `["default"]`, structure: "json", wantErr: "JSON message body failed to parse"},
		{name: "null", message: `null`, structure: "json", wantErr: "JSON message body failed to parse"},
		{name: "non-string value", message: `{"default":{"a":1}}`, structure: "json", wantErr: `entry "default" must be a string`},
		{name: "unknown structure", message: `{"default":"d"}`, structure: "xml", wantErr: "MessageStructure"},
	}
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.client("AKIDMGMT", home)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(notifications), Message: aws.String(tt.message), MessageStructure: aws.String(tt.structure)})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Publish: %v", err)
				}
				return
			}
			e := wantError[*snstypes.InvalidParameterException](t, err)
			if !strings.Contains(e.ErrorMessage(), tt.wantErr) {
				t.Errorf("message = %q, want it to contain %q", e.ErrorMessage(), tt.wantErr)
			}
		})
	}
}

func TestPublishAttributes(t *testing.T) {
	str := func(v string) snstypes.MessageAttributeValue {
		return snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	typed := func(dt, v string) snstypes.MessageAttributeValue {
		return snstypes.MessageAttributeValue{DataType: aws.String(dt), StringValue: aws.String(v)}
	}
	eleven := map[string]snstypes.MessageAttributeValue{}
	for i := range 11 {
		eleven[fmt.Sprintf("a%d", i)] = str("v")
	}
	tests := []struct {
		name  string
		attrs map[string]snstypes.MessageAttributeValue
		ok    bool
	}{
		{"plain names", map[string]snstypes.MessageAttributeValue{"a-b_c.d": str("v"), "X9": str("v")}, true},
		{"256-char name", map[string]snstypes.MessageAttributeValue{strings.Repeat("n", 256): str("v")}, true},
		{"257-char name", map[string]snstypes.MessageAttributeValue{strings.Repeat("n", 257): str("v")}, false},
		{"space in name", map[string]snstypes.MessageAttributeValue{"a b": str("v")}, false},
		{"AWS. prefix", map[string]snstypes.MessageAttributeValue{"AWS.x": str("v")}, false},
		{"amazon. prefix any case", map[string]snstypes.MessageAttributeValue{"amazon.x": str("v")}, false},
		{"leading period", map[string]snstypes.MessageAttributeValue{".x": str("v")}, false},
		{"trailing period", map[string]snstypes.MessageAttributeValue{"x.": str("v")}, false},
		{"successive periods", map[string]snstypes.MessageAttributeValue{"a..b": str("v")}, false},
		{"empty string value", map[string]snstypes.MessageAttributeValue{"a": str("")}, false},
		{"numbers", map[string]snstypes.MessageAttributeValue{"i": typed("Number", "-42"), "f": typed("Number", "3.14e10"), "z": typed("Number", ".5")}, true},
		{"not a number", map[string]snstypes.MessageAttributeValue{"n": typed("Number", "forty-two")}, false},
		{"39 digits", map[string]snstypes.MessageAttributeValue{"n": typed("Number", strings.Repeat("9", 39))}, false},
		{"too large", map[string]snstypes.MessageAttributeValue{"n": typed("Number", "1e127")}, false},
		{"string array", map[string]snstypes.MessageAttributeValue{"a": typed("String.Array", `["x", 1, true, null]`)}, true},
		{"array of objects", map[string]snstypes.MessageAttributeValue{"a": typed("String.Array", `[{"x":1}]`)}, false},
		{"array not json", map[string]snstypes.MessageAttributeValue{"a": typed("String.Array", `x,y`)}, false},
		{"unknown type", map[string]snstypes.MessageAttributeValue{"a": typed("Boolean", "true")}, false},
		{"binary", map[string]snstypes.MessageAttributeValue{"b": {DataType: aws.String("Binary"), BinaryValue: []byte("x")}}, true},
		{"binary without value", map[string]snstypes.MessageAttributeValue{"b": {DataType: aws.String("Binary"), StringValue: aws.String("x")}}, false},
		{"ten", func() map[string]snstypes.MessageAttributeValue {
			m := map[string]snstypes.MessageAttributeValue{}
			for i := range 10 {
				m[fmt.Sprintf("a%d", i)] = str("v")
			}
			return m
		}(), true},
		{"eleven", eleven, false},
	}
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.client("AKIDMGMT", home)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(notifications), Message: aws.String("m"), MessageAttributes: tt.attrs})
			if tt.ok {
				if err != nil {
					t.Fatalf("Publish: %v", err)
				}
				return
			}
			_ = wantError[*snstypes.InvalidParameterException](t, err)
		})
	}
}

func TestDeleteTopic(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.client("AKIDMGMT", home)
	if _, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(notifications), Message: aws.String("before")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(notifications)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(notifications)}); err != nil {
		t.Errorf("deleting a deleted topic: %v, want no error", err)
	}
	_, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(notifications), Message: aws.String("after")})
	_ = wantError[*snstypes.NotFoundException](t, err)
	_, err = c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(notifications)})
	_ = wantError[*snstypes.NotFoundException](t, err)
	if msgs := h.svc.Messages(notifications); len(msgs) != 1 || msgs[0].Message != "before" {
		t.Errorf("Messages after delete = %+v, want the one published before", msgs)
	}
}

func TestDelivered(t *testing.T) {
	structured := topics.Message{MessageStructure: "json", Message: `{"default":"plain","email":"Dear ops","sqs":"{\"run\":1}"}`}
	tests := []struct {
		name     string
		m        topics.Message
		protocol string
		want     string
	}{
		{"raw to email", topics.Message{Message: "hello"}, "email", "hello"},
		{"raw to sqs", topics.Message{Message: "hello"}, "sqs", "hello"},
		{"own entry", structured, "email", "Dear ops"},
		{"own sqs entry", structured, "sqs", `{"run":1}`},
		{"default for lambda", structured, "lambda", "plain"},
		{"default for email-json", structured, "email-json", "plain"},
		{"default for https", structured, "https", "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := topics.Delivered(tt.m, tt.protocol); got != tt.want {
				t.Errorf("Delivered = %q, want %q", got, tt.want)
			}
		})
	}
}
