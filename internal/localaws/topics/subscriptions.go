package topics

import (
	"maps"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// confirmedOnSubscribe lists the protocols whose subscriptions need no
// confirmation when the topic owner subscribes them.
var confirmedOnSubscribe = map[string]bool{"sqs": true, "lambda": true, "sms": true, "firehose": true, "application": true}

// rawProtocols are the protocols that can take raw message delivery.
var rawProtocols = []string{"firehose", "http", "https", "sqs"}

// subscriptionAttributes are the attributes Subscribe and
// SetSubscriptionAttributes accept, with the checks of their values alone;
// checkSubscription then checks them together.
var subscriptionAttributes = map[string]func(string) error{
	"RawMessageDelivery":  oneOf("RawMessageDelivery", "true", "false"),
	"FilterPolicy":        func(string) error { return nil }, // parsed with its scope
	"FilterPolicyScope":   scopeValue,
	"DeliveryPolicy":      jsonObject("DeliveryPolicy"),
	"RedrivePolicy":       jsonObject("RedrivePolicy"),
	"SubscriptionRoleArn": func(string) error { return nil },
}

func scopeValue(v string) error {
	if v == ScopeAttributes || v == ScopeBody {
		return nil
	}
	return policyError("FilterPolicyScope: Invalid value [" + v + "]. Please use either MessageBody or MessageAttributes")
}

// checkSubscription checks the whole attribute set of a subscription of
// protocol, as it will be after the call, and returns its filter policy.
// reason prefixes messages as the operation does ("Attributes Reason: "
// for Subscribe, nothing for SetSubscriptionAttributes).
func checkSubscription(protocol string, attrs map[string]string, reason string) (*filterPolicy, *wire.Error) {
	for _, k := range sortedKeys(attrs) {
		check, ok := subscriptionAttributes[k]
		if !ok {
			names := sortedKeys(subscriptionAttributes)
			return nil, invalidParameter("%sAttributeName: %q is not a subscription attribute (use one of %s)", reason, k, strings.Join(names, ", "))
		}
		if err := check(attrs[k]); err != nil {
			return nil, invalidParameter("%s%v", reason, err)
		}
	}
	if attrs["RawMessageDelivery"] == "true" && !slices.Contains(rawProtocols, protocol) {
		return nil, invalidParameter("%sDelivery protocol [%s] does not support raw message delivery.", reason, protocol)
	}
	scope := attrs["FilterPolicyScope"]
	if scope == "" {
		scope = ScopeAttributes
	}
	policy, err := parseFilterPolicy(attrs["FilterPolicy"], scope)
	if err != nil {
		return nil, invalidParameter("%s%v", reason, err)
	}
	return policy, nil
}

type subscribeResult struct {
	SubscriptionArn string `xml:"SubscriptionArn"`
}

// subscribeInput is Subscribe's input; Attributes stay in the form.
type subscribeInput struct {
	TopicARN              string `query:"TopicArn"`
	Protocol              string
	Endpoint              string
	ReturnSubscriptionARN string `query:"ReturnSubscriptionArn"`
}

func (t *Topics) subscribe(req *wire.Request, in *subscribeInput) (any, error) {
	protocol, endpoint := in.Protocol, in.Endpoint
	if err := checkEndpoint(protocol, endpoint); err != nil {
		return nil, err
	}
	attrs := wire.FormMap(req.Form, "Attributes", "key", "value")
	policy, err := checkSubscription(protocol, attrs, "Attributes Reason: ")
	if err != nil {
		return nil, err
	}
	returnARN := in.ReturnSubscriptionARN == "true"

	t.mu.Lock()
	defer t.mu.Unlock()
	tp, err := t.lookup(req, "TopicArn", in.TopicARN, "Subscribe")
	if err != nil {
		return nil, err
	}
	sub := tp.subscription(protocol, endpoint)
	switch {
	case sub == nil:
		sub = &subscription{
			arn: tp.arn + ":" + newID(), protocol: protocol, endpoint: endpoint, owner: req.Caller.Account,
			confirmed: confirmedOnSubscribe[protocol], attrs: attrs, filter: policy,
		}
		tp.subs = append(tp.subs, sub)
	case !sub.has(attrs):
		// Subscribe is idempotent per protocol and endpoint, for the same attributes.
		return nil, invalidParameter("Attributes Reason: Subscription already exists with different attributes")
	}
	if !sub.confirmed && !returnARN {
		return subscribeResult{SubscriptionArn: "pending confirmation"}, nil
	}
	return subscribeResult{SubscriptionArn: sub.arn}, nil
}

// subscription returns the topic's subscription of protocol to endpoint.
func (tp *topic) subscription(protocol, endpoint string) *subscription {
	for _, s := range tp.subs {
		if s.protocol == protocol && s.endpoint == endpoint {
			return s
		}
	}
	return nil
}

// has reports whether the subscription has every attribute of attrs.
func (s *subscription) has(attrs map[string]string) bool {
	for k, v := range attrs {
		if s.attrs[k] != v {
			return false
		}
	}
	return true
}

// findSubscription returns the subscription with arn and its topic, for
// an operation the caller may perform only on a subscription of its own
// or on its own topic. Callers must hold t.mu.
func (t *Topics) findSubscription(req *wire.Request, arn, action string) (*topic, *subscription, *wire.Error) {
	if arn == "" {
		return nil, nil, invalidParameter("SubscriptionArn Reason: no value for required parameter")
	}
	for _, tp := range t.topics {
		for _, s := range tp.subs {
			if s.arn != arn {
				continue
			}
			if s.owner != req.Caller.Account && tp.account != req.Caller.Account {
				return nil, nil, authorizationError(req.Caller, action, arn)
			}
			return tp, s, nil
		}
	}
	return nil, nil, notFound("Subscription does not exist")
}

type subscriptionInput struct {
	SubscriptionARN string `query:"SubscriptionArn"`
}

func (t *Topics) getSubscriptionAttributes(req *wire.Request, in *subscriptionInput) (any, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tp, s, err := t.findSubscription(req, in.SubscriptionARN, "GetSubscriptionAttributes")
	if err != nil {
		return nil, err
	}
	attrs := map[string]string{
		"SubscriptionArn":              s.arn,
		"TopicArn":                     tp.arn,
		"Owner":                        s.owner,
		"Protocol":                     s.protocol,
		"Endpoint":                     s.endpoint,
		"ConfirmationWasAuthenticated": "true",
		"PendingConfirmation":          boolString(!s.confirmed),
		"RawMessageDelivery":           "false",
		"EffectiveDeliveryPolicy":      defaultDeliveryPolicy,
	}
	if s.attrs["FilterPolicy"] != "" {
		attrs["FilterPolicyScope"] = ScopeAttributes
	}
	maps.Copy(attrs, s.attrs)
	var res attributesResult
	for _, k := range sortedKeys(attrs) {
		res.Attributes = append(res.Attributes, attributeEntry{Key: k, Value: attrs[k]})
	}
	return res, nil
}

type setSubscriptionAttributesInput struct {
	SubscriptionARN string `query:"SubscriptionArn"`
	AttributeName   string
	AttributeValue  string
}

func (t *Topics) setSubscriptionAttributes(req *wire.Request, in *setSubscriptionAttributesInput) (any, error) {
	name := in.AttributeName
	if _, ok := subscriptionAttributes[name]; !ok {
		return nil, invalidParameter("AttributeName: %q is not a subscription attribute that can be set (use one of %s)",
			name, strings.Join(sortedKeys(subscriptionAttributes), ", "))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, s, err := t.findSubscription(req, in.SubscriptionARN, "SetSubscriptionAttributes")
	if err != nil {
		return nil, err
	}
	next := maps.Clone(s.attrs)
	if next == nil {
		next = map[string]string{}
	}
	if in.AttributeValue == "" {
		delete(next, name)
	} else {
		next[name] = in.AttributeValue
	}
	policy, err := checkSubscription(s.protocol, next, "")
	if err != nil {
		return nil, err
	}
	s.attrs, s.filter = next, policy
	return nil, nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
