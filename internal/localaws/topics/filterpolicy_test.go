package topics

import (
	"strings"
	"testing"
)

// str, num and arr build message attributes.
func str(v string) Attribute { return Attribute{DataType: "String", Value: v} }
func num(v string) Attribute { return Attribute{DataType: "Number", Value: v} }
func arr(v string) Attribute { return Attribute{DataType: "String.Array", Value: v} }

// TestFilterOnAttributes checks each operator on message attributes,
// with the examples of SNS's "Subscription filter policies" pages.
func TestFilterOnAttributes(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		attrs  map[string]Attribute
		want   bool
	}{
		{"exact string", `{"customer_interests": ["rugby", "tennis"]}`, map[string]Attribute{"customer_interests": str("rugby")}, true},
		{"exact string is case-sensitive", `{"customer_interests": ["rugby"]}`, map[string]Attribute{"customer_interests": str("Rugby")}, false},
		{"exact string, other value", `{"customer_interests": ["rugby", "tennis"]}`, map[string]Attribute{"customer_interests": str("baseball")}, false},
		{"exact string in a String.Array", `{"customer_interests": ["rugby"]}`, map[string]Attribute{"customer_interests": arr(`["baseball", "rugby"]`)}, true},
		{"exact string does not match a Number", `{"price": ["100"]}`, map[string]Attribute{"price": num("100")}, false},
		{"exact number", `{"price": [301.5]}`, map[string]Attribute{"price": num("3.015e2")}, true},
		{"missing key", `{"store": ["example_corp"]}`, map[string]Attribute{"event": str("order_placed")}, false},
		{"binary attributes are ignored", `{"blob": [{"exists": true}]}`, map[string]Attribute{"blob": {DataType: "Binary", Value: "AQID"}}, false},
		{"prefix", `{"customer_interests": [{"prefix": "bas"}]}`, map[string]Attribute{"customer_interests": str("basketball")}, true},
		{"prefix, no match", `{"customer_interests": [{"prefix": "bas"}]}`, map[string]Attribute{"customer_interests": str("rugby")}, false},
		{"suffix", `{"file": [{"suffix": ".png"}]}`, map[string]Attribute{"file": str("cat.png")}, true},
		{"equals-ignore-case", `{"name": [{"equals-ignore-case": "JOHN"}]}`, map[string]Attribute{"name": str("John")}, true},
		{"anything-but list", `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, map[string]Attribute{"customer_interests": str("baseball")}, true},
		{"anything-but list, excluded", `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, map[string]Attribute{"customer_interests": str("rugby")}, false},
		{"anything-but, an array with another value", `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, map[string]Attribute{"customer_interests": arr(`["rugby", "baseball"]`)}, true},
		{"anything-but, missing key", `{"customer_interests": [{"anything-but": ["rugby"]}]}`, map[string]Attribute{"other": str("x")}, false},
		{"anything-but single number", `{"price": [{"anything-but": 100}]}`, map[string]Attribute{"price": num("100")}, false},
		{"anything-but numbers", `{"price": [{"anything-but": [100, 500]}]}`, map[string]Attribute{"price": num("100.1")}, true},
		{"anything-but prefix", `{"event": [{"anything-but": {"prefix": "order-"}}]}`, map[string]Attribute{"event": str("order-cancelled")}, false},
		{"anything-but prefix, other", `{"event": [{"anything-but": {"prefix": "order-"}}]}`, map[string]Attribute{"event": str("data-entry")}, true},
		{"numeric equals", `{"price_usd": [{"numeric": ["=", 301.5]}]}`, map[string]Attribute{"price_usd": num("301.5")}, true},
		{"numeric range inside", `{"price_usd": [{"numeric": [">", 0, "<=", 150]}]}`, map[string]Attribute{"price_usd": num("150")}, true},
		{"numeric range above", `{"price_usd": [{"numeric": [">", 0, "<=", 150]}]}`, map[string]Attribute{"price_usd": num("150.00001")}, false},
		{"numeric below", `{"price_usd": [{"numeric": ["<", 0]}]}`, map[string]Attribute{"price_usd": num("-1")}, true},
		{"numeric does not match a String", `{"price_usd": [{"numeric": [">", 0]}]}`, map[string]Attribute{"price_usd": str("5")}, false},
		{"numeric in a String.Array", `{"sizes": [{"numeric": [">=", 10]}]}`, map[string]Attribute{"sizes": arr(`[1, 12]`)}, true},
		{"exists true", `{"store": [{"exists": true}]}`, map[string]Attribute{"store": str("fans")}, true},
		{"exists true, absent", `{"store": [{"exists": true}]}`, map[string]Attribute{"other": str("fans")}, false},
		{"exists false, absent", `{"store": [{"exists": false}]}`, map[string]Attribute{"other": str("fans")}, true},
		{"exists false, present", `{"store": [{"exists": false}]}`, map[string]Attribute{"store": str("fans")}, false},
		{"exists false needs some attribute", `{"store": [{"exists": false}]}`, nil, false},
		{"cidr", `{"source_ip": [{"cidr": "10.0.0.0/24"}]}`, map[string]Attribute{"source_ip": str("10.0.0.255")}, true},
		{"cidr outside", `{"source_ip": [{"cidr": "10.0.0.0/24"}]}`, map[string]Attribute{"source_ip": str("10.1.1.0")}, false},
		{"OR of values", `{"kind": ["backfill", {"prefix": "ev"}]}`, map[string]Attribute{"kind": str("event")}, true},
		{"AND across keys", `{"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}`,
			map[string]Attribute{"customer_interests": str("rugby"), "price_usd": num("50")}, false},
		{"AND across keys, both hold", `{"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}`,
			map[string]Attribute{"customer_interests": str("rugby"), "price_usd": num("150")}, true},
		{"$or across keys", `{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]}`,
			map[string]Attribute{"source": str("aws.cloudwatch"), "namespace": str("AWS/EC2")}, true},
		{"$or, no branch holds", `{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]}`,
			map[string]Attribute{"source": str("aws.cloudwatch"), "namespace": str("AWS/RDS")}, false},
		{"Landfall failures only: a failure", `{"landfall.outcome": ["PARTIAL", "FAILED", "ACCOUNT_FAILED", "INVALID_EVENT", "REFUSED"]}`,
			map[string]Attribute{"landfall.outcome": str("PARTIAL"), "landfall.failed": num("1")}, true},
		{"Landfall failures only: a success", `{"landfall.outcome": ["PARTIAL", "FAILED", "ACCOUNT_FAILED", "INVALID_EVENT", "REFUSED"]}`,
			map[string]Attribute{"landfall.outcome": str("SUCCEEDED"), "landfall.failed": num("0")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseFilterPolicy(tt.policy, ScopeAttributes)
			if err != nil {
				t.Fatalf("parse %s: %v", tt.policy, err)
			}
			if got := p.accepts("not JSON", tt.attrs); got != tt.want {
				t.Errorf("policy %s on %v = %v, want %v", tt.policy, tt.attrs, got, tt.want)
			}
		})
	}
}

// TestFilterOnBody checks payload-based filtering: nested keys, arrays of
// objects, and bodies that are not JSON objects.
func TestFilterOnBody(t *testing.T) {
	const nested = `{"store": ["example_corp"], "customer": {"interests": [{"prefix": "bas"}], "tier": [{"exists": false}]}}`
	tests := []struct {
		name, policy, body string
		want               bool
	}{
		{"nested match", nested, `{"store": "example_corp", "customer": {"interests": ["rugby", "basketball"]}}`, true},
		{"nested, exists false fails", nested, `{"store": "example_corp", "customer": {"interests": "baseball", "tier": "gold"}}`, false},
		{"nested, wrong top-level value", nested, `{"store": "other", "customer": {"interests": "baseball"}}`, false},
		{"nested key under an array of objects", `{"items": {"sku": ["A1"]}}`, `{"items": [{"sku": "B2"}, {"sku": "A1"}]}`, true},
		{"numbers and booleans", `{"price": [{"numeric": [">", 10]}], "paid": [true]}`, `{"price": 12.5, "paid": true}`, true},
		{"boolean is not its string", `{"paid": ["true"]}`, `{"paid": true}`, false},
		{"null literal", `{"coupon": [null]}`, `{"coupon": null}`, true},
		{"exists true needs a non-null value", `{"coupon": [{"exists": true}]}`, `{"coupon": null}`, false},
		{"exists false on an empty object body", `{"coupon": [{"exists": false}]}`, `{}`, true},
		{"a body that is not JSON", `{"store": [{"exists": false}]}`, `plain text`, false},
		{"a JSON body that is not an object", `{"store": [{"exists": false}]}`, `["a"]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseFilterPolicy(tt.policy, ScopeBody)
			if err != nil {
				t.Fatalf("parse %s: %v", tt.policy, err)
			}
			if got := p.accepts(tt.body, nil); got != tt.want {
				t.Errorf("policy %s on %s = %v, want %v", tt.policy, tt.body, got, tt.want)
			}
		})
	}
}

// TestFilterPolicyRefused checks that SNS's constraints refuse a policy
// with SNS's message.
func TestFilterPolicyRefused(t *testing.T) {
	tests := []struct {
		name, policy, scope, want string
	}{
		{"not JSON", `{"a": [`, ScopeAttributes, "FilterPolicy: failed to parse JSON"},
		{"not an object", `["a"]`, ScopeAttributes, "FilterPolicy: failed to parse JSON: the filter policy must be a JSON object"},
		{"six keys", `{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}`, ScopeAttributes, "FilterPolicy: Filter policy can not have more than 5 keys"},
		{"nested on attributes", `{"store": {"key": ["x"]}}`, ScopeAttributes, "Filter policy scope MessageAttributes does not support nested filter policy"},
		{"scalar value", `{"store": "x"}`, ScopeAttributes, `FilterPolicy: "store" must be an object or an array`},
		{"empty array", `{"store": []}`, ScopeAttributes, "FilterPolicy: Empty arrays are not allowed"},
		{"array in array", `{"store": [["x"]]}`, ScopeAttributes, "FilterPolicy: Match value must be String, number, true, false, or null"},
		{"two operators in one object", `{"store": [{"prefix": "a", "suffix": "b"}]}`, ScopeAttributes, "FilterPolicy: Only one key allowed in match expression"},
		{"unknown operator", `{"store": [{"wildcard": "a*"}]}`, ScopeAttributes, "FilterPolicy: Unrecognized match type wildcard"},
		{"prefix not a string", `{"store": [{"prefix": 1}]}`, ScopeAttributes, "FilterPolicy: prefix match pattern must be a string"},
		{"exists not a boolean", `{"store": [{"exists": "yes"}]}`, ScopeAttributes, "FilterPolicy: exists match pattern must be either true or false."},
		{"numeric operator", `{"p": [{"numeric": ["!=", 1]}]}`, ScopeAttributes, "FilterPolicy: Unrecognized numeric range operator: !="},
		{"numeric bound", `{"p": [{"numeric": ["<", "x"]}]}`, ScopeAttributes, "FilterPolicy: Value of < must be numeric"},
		{"numeric range upside down", `{"p": [{"numeric": [">", 10, "<", 5]}]}`, ScopeAttributes, "FilterPolicy: Bottom must be less than top"},
		{"numeric range from below", `{"p": [{"numeric": ["<", 10, ">", 5]}]}`, ScopeAttributes, "FilterPolicy: Too many elements in numeric expression"},
		{"anything-but object", `{"p": [{"anything-but": {"wildcard": "x"}}]}`, ScopeAttributes, "FilterPolicy: Value of anything-but must be an array or single string/number value."},
		{"too complex", `{"a":[1,2,3,4,5,6],"b":[1,2,3,4,5,6],"c":[1,2,3,4,5]}`, ScopeAttributes, "FilterPolicy: Filter policy is too complex: 180 combinations"},
		{"too complex when nested", `{"a": {"b": {"c": [1,2,3,4,5,6,7,8,9,10]}}, "d": {"e": [1,2,3,4,5,6]}}`, ScopeBody, "FilterPolicy: Filter policy is too complex: 360 combinations"},
		{"$or of one", `{"$or": [{"a": ["x"]}]}`, ScopeAttributes, `FilterPolicy: "$or" must list at least 2 alternative objects`},
		{"bad cidr", `{"ip": [{"cidr": "10.0.0.0"}]}`, ScopeAttributes, "FilterPolicy: Malformed CIDR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFilterPolicy(tt.policy, tt.scope)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("parse %s: %v, want %q", tt.policy, err, tt.want)
			}
		})
	}
	// The example of SNS's constraints page: 3 x 4 x 2 x 3 = 72 combinations.
	if _, err := parseFilterPolicy(`{"key_a": {"key_b": {"key_c": ["v1", "v2", "v3", "v4"]}}, "key_d": {"key_e": ["v1", "v2", "v3"]}}`, ScopeBody); err != nil {
		t.Errorf("the documented 72-combination policy: %v", err)
	}
}
