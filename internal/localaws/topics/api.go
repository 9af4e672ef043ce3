package topics

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// pageSize is how many topics or subscriptions one List call returns, as in SNS.
const pageSize = 100

// The error constructors below produce the codes the SDK maps to its typed
// errors (InvalidParameterException, NotFoundException,
// AuthorizationErrorException), with the HTTP statuses SNS uses.

func invalidParameter(format string, args ...any) *wire.Error {
	return &wire.Error{Code: "InvalidParameter", Message: "Invalid parameter: " + fmt.Sprintf(format, args...)}
}

func notFound(msg string) *wire.Error {
	return &wire.Error{Code: "NotFound", Message: msg, Status: http.StatusNotFound}
}

func authorizationError(c wire.Caller, action, resource string) *wire.Error {
	return &wire.Error{
		Code:    "AuthorizationError",
		Message: fmt.Sprintf("User: %s is not authorized to perform: SNS:%s on resource: %s", callerARN(c), action, resource),
		Status:  http.StatusForbidden,
	}
}

func callerARN(c wire.Caller) string {
	if c.ARN != "" {
		return c.ARN
	}
	return "arn:aws:iam::" + c.Account + ":root"
}

// settableAttributes are the topic attributes CreateTopic and
// SetTopicAttributes accept, with their checks.
var settableAttributes = map[string]func(string) error{
	"DisplayName": func(v string) error {
		if len(v) > maxDisplayName {
			return fmt.Errorf("DisplayName must be at most %d characters", maxDisplayName)
		}
		return nil
	},
	"Policy":           accessPolicy,
	"DeliveryPolicy":   jsonObject("DeliveryPolicy"),
	"KmsMasterKeyId":   func(string) error { return nil },
	"SignatureVersion": oneOf("SignatureVersion", "1", "2"),
	"TracingConfig":    oneOf("TracingConfig", "PassThrough", "Active"),
}

func jsonObject(name string) func(string) error {
	return func(v string) error {
		if v == "" {
			return nil
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(v), &obj); err != nil {
			return fmt.Errorf("%s must be a JSON object: %v", name, err)
		}
		return nil
	}
}

// accessPolicy checks a topic Policy: a JSON object that is an IAM policy
// the emulator can evaluate.
func accessPolicy(v string) error {
	if err := jsonObject("Policy")(v); err != nil || v == "" {
		return err
	}
	if _, err := org.ParseResourcePolicy(v); err != nil {
		return fmt.Errorf("Policy Error: %v", err) //nolint:staticcheck // ST1005: SNS's own wording, "Invalid parameter: Policy Error: ..."
	}
	return nil
}

func oneOf(name string, allowed ...string) func(string) error {
	return func(v string) error {
		if v == "" || slices.Contains(allowed, v) {
			return nil
		}
		return fmt.Errorf("%s must be one of %s", name, strings.Join(allowed, ", "))
	}
}

// checkTopicAttribute validates one settable attribute.
func checkTopicAttribute(name, value string) *wire.Error {
	if name == "FifoTopic" {
		if value == "true" {
			return invalidParameter("Attributes Reason: FifoTopic: FIFO topics are not emulated by the local AWS; create a standard topic")
		}
		return nil
	}
	check, ok := settableAttributes[name]
	if !ok {
		names := make([]string, 0, len(settableAttributes))
		for n := range settableAttributes {
			names = append(names, n)
		}
		sort.Strings(names)
		return invalidParameter("AttributeName Reason: %q is not a topic attribute that can be set (use one of %s)", name, strings.Join(names, ", "))
	}
	if err := check(value); err != nil {
		return invalidParameter("Attributes Reason: %v", err)
	}
	return nil
}

// lookup resolves a topic ARN parameter for action on behalf of the caller.
// Callers must hold t.mu.
func (t *Topics) lookup(req *wire.Request, param, arn, action string) (*topic, *wire.Error) {
	if arn == "" {
		return nil, invalidParameter("%s Reason: no value for required parameter", param)
	}
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sns" || !org.IsAccountID(parts[4]) || !validTopicName(parts[5]) {
		return nil, invalidParameter("%s Reason: %q is not a topic ARN (arn:aws:sns:<region>:<account>:<name>)", param, arn)
	}
	if parts[3] != req.Region {
		return nil, invalidParameter("%s Reason: topic %s is in %s but the request was sent to %s; use a client for the topic's region", param, arn, parts[3], req.Region)
	}
	tp := t.topics[arn]
	if tp == nil {
		return nil, notFound("Topic does not exist")
	}
	return tp, nil
}

type createTopicResult struct {
	TopicArn string `xml:"TopicArn"`
}

// createTopicInput is CreateTopic's input; Attributes stay in the form.
type createTopicInput struct {
	Name string
}

func (t *Topics) createTopic(req *wire.Request, in *createTopicInput) (any, error) {
	name := in.Name
	if base, fifo := strings.CutSuffix(name, ".fifo"); fifo && validTopicName(base) {
		return nil, invalidParameter("Topic Name Reason: %q is a FIFO topic: FIFO topics are not emulated by the local AWS; drop the .fifo suffix", name)
	}
	if !validTopicName(name) {
		return nil, invalidParameter("Topic Name Reason: %q must be 1-256 characters of A-Za-z0-9_-", name)
	}
	attrs := wire.FormMap(req.Form, "Attributes", "key", "value")
	for _, k := range sortedKeys(attrs) {
		if err := checkTopicAttribute(k, attrs[k]); err != nil {
			return nil, err
		}
	}
	delete(attrs, "FifoTopic") // only "false" can get here, which is the default
	arn := ARN(req.Caller.Account, req.Region, name)

	t.mu.Lock()
	defer t.mu.Unlock()
	if tp := t.topics[arn]; tp != nil {
		// CreateTopic is idempotent, but only for the same attributes.
		for k, v := range attrs {
			if tp.attrs[k] != v {
				return nil, invalidParameter("Attributes Reason: Topic already exists with different attributes")
			}
		}
		return createTopicResult{TopicArn: arn}, nil
	}
	tp := &topic{arn: arn, account: req.Caller.Account, region: req.Region, name: name, attrs: map[string]string{}}
	for k, v := range attrs {
		tp.set(k, v)
	}
	t.topics[arn] = tp
	return createTopicResult{TopicArn: arn}, nil
}

// topicInput is the input of the operations on one topic.
type topicInput struct {
	TopicARN  string `query:"TopicArn"`
	NextToken string
}

func (t *Topics) deleteTopic(req *wire.Request, in *topicInput) (any, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, err := t.lookup(req, "TopicArn", in.TopicARN, "DeleteTopic")
	if err != nil {
		if err.Code == "NotFound" {
			// SNS documents that deleting a topic that does not exist is not an error.
			return nil, nil
		}
		return nil, err
	}
	delete(t.topics, in.TopicARN)
	return nil, nil
}

type listTopicsResult struct {
	Topics    []topicMember `xml:"Topics>member"`
	NextToken string        `xml:"NextToken,omitempty"`
}

type topicMember struct {
	TopicArn string `xml:"TopicArn"`
}

// listInput is the input of the List operations.
type listInput struct {
	NextToken string
}

func (t *Topics) listTopics(req *wire.Request, in *listInput) (any, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	all := t.sortedTopics(req.Caller.Account, req.Region)
	arns := make([]string, len(all))
	for i, tp := range all {
		arns[i] = tp.arn
	}
	page, next, err := paginate(arns, in.NextToken)
	if err != nil {
		return nil, err
	}
	res := listTopicsResult{NextToken: next}
	for _, a := range page {
		res.Topics = append(res.Topics, topicMember{TopicArn: a})
	}
	return res, nil
}

// paginate returns the page of keys (sorted or in a stable order) after the
// one the token names. Tokens name the last key returned (wire.KeyTokens)
// rather than an offset so that a deletion between calls does not skip an
// entry.
func paginate(keys []string, token string) (page []string, next string, _ *wire.Error) {
	page, next, ok := wire.Page(keys, token, pageSize, wire.StringKeys())
	if !ok {
		return nil, "", invalidParameter("NextToken Reason: %q is not a token from a previous call", token)
	}
	return page, next, nil
}

type attributesResult struct {
	Attributes []attributeEntry `xml:"Attributes>entry"`
}

type attributeEntry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func (t *Topics) getTopicAttributes(req *wire.Request, in *topicInput) (any, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tp, err := t.lookup(req, "TopicArn", in.TopicARN, "GetTopicAttributes")
	if err != nil {
		return nil, err
	}
	attrs := map[string]string{
		"TopicArn":                tp.arn,
		"Owner":                   tp.account,
		"DisplayName":             "",
		"Policy":                  defaultPolicy(tp),
		"EffectiveDeliveryPolicy": defaultDeliveryPolicy,
		"SubscriptionsDeleted":    strconv.Itoa(tp.deletedSubs),
	}
	var confirmed, pending int
	for _, s := range tp.subs {
		if s.confirmed {
			confirmed++
		} else {
			pending++
		}
	}
	attrs["SubscriptionsConfirmed"] = strconv.Itoa(confirmed)
	attrs["SubscriptionsPending"] = strconv.Itoa(pending)
	for k, v := range tp.attrs {
		attrs[k] = v
	}
	var res attributesResult
	for _, k := range sortedKeys(attrs) {
		res.Attributes = append(res.Attributes, attributeEntry{Key: k, Value: attrs[k]})
	}
	return res, nil
}

// defaultDeliveryPolicy is the EffectiveDeliveryPolicy SNS reports for a
// topic without a DeliveryPolicy.
const defaultDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`

// defaultPolicy is the access policy SNS attaches to a new topic: only the
// owner account may use it.
func defaultPolicy(tp *topic) string {
	actions := []string{"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
		"SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"}
	policy := map[string]any{
		"Version": "2008-10-17",
		"Id":      "__default_policy_ID",
		"Statement": []map[string]any{{
			"Sid":       "__default_statement_ID",
			"Effect":    "Allow",
			"Principal": map[string]string{"AWS": "*"},
			"Action":    actions,
			"Resource":  tp.arn,
			"Condition": map[string]any{"StringEquals": map[string]string{"AWS:SourceOwner": tp.account}},
		}},
	}
	b, _ := json.Marshal(policy) // maps of strings cannot fail to marshal
	return string(b)
}

type setTopicAttributesInput struct {
	TopicARN       string `query:"TopicArn"`
	AttributeName  string
	AttributeValue string
}

func (t *Topics) setTopicAttributes(req *wire.Request, in *setTopicAttributesInput) (any, error) {
	name := in.AttributeName
	if name == "" {
		return nil, invalidParameter("AttributeName Reason: no value for required parameter")
	}
	value := in.AttributeValue
	if err := checkTopicAttribute(name, value); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	tp, err := t.lookup(req, "TopicArn", in.TopicARN, "SetTopicAttributes")
	if err != nil {
		return nil, err
	}
	if name == "FifoTopic" {
		return nil, invalidParameter("AttributeName Reason: FifoTopic can only be set when the topic is created")
	}
	tp.set(name, value)
	return nil, nil
}

// checkEndpoint validates a subscription endpoint for its protocol.
func checkEndpoint(protocol, endpoint string) *wire.Error {
	if endpoint == "" {
		return invalidParameter("Endpoint Reason: no value for required parameter")
	}
	bad := func(want string) *wire.Error {
		return invalidParameter("Endpoint Reason: %q is not %s", endpoint, want)
	}
	switch protocol {
	case "email", "email-json":
		local, domain, ok := strings.Cut(endpoint, "@")
		if !ok || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(endpoint, " \t\r\n") || strings.Contains(domain, "@") {
			return bad("an email address")
		}
	case "sqs":
		if p := strings.Split(endpoint, ":"); len(p) != 6 || p[0] != "arn" || p[2] != "sqs" || !org.IsAccountID(p[4]) || p[5] == "" {
			return bad("an SQS queue ARN (arn:aws:sqs:<region>:<account>:<queue>)")
		}
	case "lambda":
		if p := strings.Split(endpoint, ":"); len(p) < 7 || len(p) > 8 || p[0] != "arn" || p[2] != "lambda" || !org.IsAccountID(p[4]) || p[5] != "function" || p[6] == "" {
			return bad("a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)")
		}
	case "http", "https":
		u, err := url.Parse(endpoint)
		if err != nil || u.Scheme != protocol || u.Host == "" {
			return bad("an " + protocol + ":// URL")
		}
	case "sms":
		digits := strings.TrimPrefix(endpoint, "+")
		if len(digits) < 7 || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" {
			return bad("an E.164 phone number (+12065550100)")
		}
	default:
		return invalidParameter("Amazon SNS does not support this protocol string: %q (use email, email-json, sqs, lambda, http, https or sms)", protocol)
	}
	return nil
}

type unsubscribeInput struct {
	SubscriptionARN string `query:"SubscriptionArn"`
}

func (t *Topics) unsubscribe(req *wire.Request, in *unsubscribeInput) (any, error) {
	arn := in.SubscriptionARN
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, tp := range t.topics {
		for i, s := range tp.subs {
			if s.arn != arn {
				continue
			}
			if s.owner != req.Caller.Account && tp.account != req.Caller.Account {
				return nil, authorizationError(req.Caller, "Unsubscribe", arn)
			}
			tp.subs = slices.Delete(tp.subs, i, i+1)
			tp.deletedSubs++
			return nil, nil
		}
	}
	return nil, notFound("Subscription does not exist")
}

type listSubscriptionsResult struct {
	Subscriptions []subscriptionMember `xml:"Subscriptions>member"`
	NextToken     string               `xml:"NextToken,omitempty"`
}

type subscriptionMember struct {
	SubscriptionArn string `xml:"SubscriptionArn"`
	Owner           string `xml:"Owner"`
	Protocol        string `xml:"Protocol"`
	Endpoint        string `xml:"Endpoint"`
	TopicArn        string `xml:"TopicArn"`
}

func (t *Topics) listSubscriptionsByTopic(req *wire.Request, in *topicInput) (any, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tp, err := t.lookup(req, "TopicArn", in.TopicARN, "ListSubscriptionsByTopic")
	if err != nil {
		return nil, err
	}
	arns := make([]string, len(tp.subs))
	byARN := map[string]*subscription{}
	for i, s := range tp.subs {
		arns[i] = s.arn
		byARN[s.arn] = s
	}
	page, next, err := paginate(arns, in.NextToken)
	if err != nil {
		return nil, err
	}
	res := listSubscriptionsResult{NextToken: next}
	for _, a := range page {
		s := byARN[a]
		shown := s.arn
		if !s.confirmed {
			shown = "PendingConfirmation"
		}
		res.Subscriptions = append(res.Subscriptions, subscriptionMember{
			SubscriptionArn: shown, Owner: s.owner, Protocol: s.protocol, Endpoint: s.endpoint, TopicArn: tp.arn,
		})
	}
	return res, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
