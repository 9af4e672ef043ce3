package tables_test

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func ss(v ...string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: v} }
func l(v ...types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberL{Value: v}
}

func TestUpdateExpressions(t *testing.T) {
	base := map[string]types.AttributeValue{
		"status": s("RUNNING"), "attempts": n("2"), "tags": ss("a", "b"), "log": l(s("start")),
		"who": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"arn": s("x")}}, "gone": s("bye"),
		"steps": l(s("a"), s("b"), s("c"), s("d")),
	}
	tests := []struct {
		name   string
		expr   string
		values map[string]types.AttributeValue
		want   map[string]types.AttributeValue // attributes changed (nil value: removed)
	}{
		{"set", "SET #s = :v", map[string]types.AttributeValue{":v": s("DONE")}, map[string]types.AttributeValue{"status": s("DONE")}},
		{"set arithmetic", "SET attempts = attempts + :one", map[string]types.AttributeValue{":one": n("1")}, map[string]types.AttributeValue{"attempts": n("3")}},
		{"set minus", "SET attempts = attempts - :half", map[string]types.AttributeValue{":half": n("0.5")}, map[string]types.AttributeValue{"attempts": n("1.5")}},
		{"if_not_exists keeps", "SET attempts = if_not_exists(attempts, :z)", map[string]types.AttributeValue{":z": n("0")}, nil},
		{"if_not_exists fills", "SET created = if_not_exists(created, :t)", map[string]types.AttributeValue{":t": s("T0")}, map[string]types.AttributeValue{"created": s("T0")}},
		{"list_append", "SET #l = list_append(#l, :e)", map[string]types.AttributeValue{":e": l(s("end"))}, map[string]types.AttributeValue{"log": l(s("start"), s("end"))}},
		{"nested set", "SET who.arn = :v", map[string]types.AttributeValue{":v": s("y")}, map[string]types.AttributeValue{"who": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"arn": s("y")}}}},
		{"list index past the end appends", "SET #l[9] = :v", map[string]types.AttributeValue{":v": s("z")}, map[string]types.AttributeValue{"log": l(s("start"), s("z"))}},
		{"remove", "REMOVE gone, who.arn", nil, map[string]types.AttributeValue{"gone": nil, "who": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}}},
		// Both indexes name the list as it was: DynamoDB leaves [c, d], not [b, d].
		{"remove list elements by their original index", "REMOVE steps[0], steps[1]", nil, map[string]types.AttributeValue{"steps": l(s("c"), s("d"))}},
		{"remove list elements in any order", "REMOVE steps[3], steps[1]", nil, map[string]types.AttributeValue{"steps": l(s("a"), s("c"))}},
		{"add number", "ADD attempts :one", map[string]types.AttributeValue{":one": n("1")}, map[string]types.AttributeValue{"attempts": n("3")}},
		{"add new number", "ADD fresh :one", map[string]types.AttributeValue{":one": n("1")}, map[string]types.AttributeValue{"fresh": n("1")}},
		{"add to set", "ADD tags :t", map[string]types.AttributeValue{":t": ss("b", "c")}, map[string]types.AttributeValue{"tags": ss("a", "b", "c")}},
		{"delete from set", "DELETE tags :t", map[string]types.AttributeValue{":t": ss("a")}, map[string]types.AttributeValue{"tags": ss("b")}},
		{"delete the whole set", "DELETE tags :t", map[string]types.AttributeValue{":t": ss("a", "b")}, map[string]types.AttributeValue{"tags": nil}},
		{"every clause", "SET #s = :v REMOVE gone ADD attempts :one DELETE tags :t", map[string]types.AttributeValue{":v": s("DONE"), ":one": n("1"), ":t": ss("a")},
			map[string]types.AttributeValue{"status": s("DONE"), "gone": nil, "attempts": n("3"), "tags": ss("b")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.put(t, item("run#1", "meta", base))
			in := &dynamodb.UpdateItemInput{TableName: aws.String(ledger), Key: key("run#1", "meta"),
				UpdateExpression: aws.String(tc.expr), ExpressionAttributeValues: tc.values, ReturnValues: types.ReturnValueAllNew}
			in.ExpressionAttributeNames = map[string]string{}
			for k, v := range map[string]string{"#s": "status", "#l": "log"} {
				if strings.Contains(tc.expr, k) {
					in.ExpressionAttributeNames[k] = v
				}
			}
			if len(in.ExpressionAttributeNames) == 0 {
				in.ExpressionAttributeNames = nil
			}
			out, err := h.ddb.UpdateItem(context.Background(), in)
			if err != nil {
				t.Fatalf("UpdateItem: %v", err)
			}
			want := item("run#1", "meta", base)
			for k, v := range tc.want {
				if v == nil {
					delete(want, k)
				} else {
					want[k] = v
				}
			}
			if !sameItem(out.Attributes, want) {
				t.Errorf("ALL_NEW = %s\nwant      %s", show(out.Attributes), show(want))
			}
			if got := h.get(t, "run#1", "meta"); !sameItem(got, want) {
				t.Errorf("stored = %s", show(got))
			}
		})
	}
}

func TestUpdateReturnValues(t *testing.T) {
	h := newHarness(t)
	h.put(t, item("r", "s", map[string]types.AttributeValue{"a": n("1"), "b": s("keep")}))
	update := func(rv types.ReturnValue) map[string]types.AttributeValue {
		out, err := h.ddb.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: aws.String(ledger), Key: key("r", "s"),
			UpdateExpression: aws.String("ADD a :one"), ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1")}, ReturnValues: rv})
		if err != nil {
			t.Fatalf("UpdateItem %s: %v", rv, err)
		}
		return out.Attributes
	}
	tests := []struct {
		rv   types.ReturnValue
		want map[string]types.AttributeValue
	}{
		{types.ReturnValueNone, nil},
		{types.ReturnValueUpdatedOld, map[string]types.AttributeValue{"a": n("2")}}, // 2 → 3
		{types.ReturnValueUpdatedNew, map[string]types.AttributeValue{"a": n("4")}}, // 3 → 4
		{types.ReturnValueAllOld, item("r", "s", map[string]types.AttributeValue{"a": n("4"), "b": s("keep")})},
		{types.ReturnValueAllNew, item("r", "s", map[string]types.AttributeValue{"a": n("6"), "b": s("keep")})},
	}
	for _, tc := range tests {
		if got := update(tc.rv); !sameItem(got, tc.want) {
			t.Errorf("%s = %s, want %s", tc.rv, show(got), show(tc.want))
		}
	}
}

func TestUpdateRefusals(t *testing.T) {
	h := newHarness(t)
	h.put(t, item("r", "s", map[string]types.AttributeValue{"a": n("1"), "b": s("text")}))
	tests := []struct {
		name, expr string
		values     map[string]types.AttributeValue
		want       string
	}{
		{"key attribute", "SET sk = :v", map[string]types.AttributeValue{":v": s("x")}, "Cannot update attribute sk. This attribute is part of the key"},
		{"overlapping paths", "SET a = :v REMOVE a", map[string]types.AttributeValue{":v": n("1")}, "Two document paths overlap with each other"},
		{"clause twice", "SET a = :v SET b = :v", map[string]types.AttributeValue{":v": n("1")}, `The "SET" section can only be used once`},
		{"arithmetic on a missing attribute", "SET c = c + :v", map[string]types.AttributeValue{":v": n("1")}, "The provided expression refers to an attribute that does not exist in the item"},
		{"arithmetic on a string", "SET b = b + :v", map[string]types.AttributeValue{":v": n("1")}, "An operand in the update expression has an incorrect data type"},
		{"add to a string", "ADD b :v", map[string]types.AttributeValue{":v": n("1")}, "An operand in the update expression has an incorrect data type"},
		{"nested path under nothing", "SET m.x = :v", map[string]types.AttributeValue{":v": n("1")}, "The document path provided in the update expression is invalid for update"},
		{"unknown clause", "UPSERT a = :v", map[string]types.AttributeValue{":v": n("1")}, `Syntax error; token: "UPSERT"`},
		{"size in an update", "SET a = size(b)", nil, "The function is not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.ddb.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: aws.String(ledger), Key: key("r", "s"),
				UpdateExpression: aws.String(tc.expr), ExpressionAttributeValues: tc.values})
			if msg := apiError(t, err, "ValidationException"); !strings.Contains(msg, tc.want) {
				t.Fatalf("message = %q, want it to contain %q", msg, tc.want)
			}
		})
	}
}

// sameItem compares items, sets regardless of order.
func sameItem(a, b map[string]types.AttributeValue) bool {
	return reflect.DeepEqual(normalize(a), normalize(b))
}

func normalize(it map[string]types.AttributeValue) map[string]types.AttributeValue {
	if len(it) == 0 {
		return nil
	}
	out := map[string]types.AttributeValue{}
	for k, v := range it {
		if set, ok := v.(*types.AttributeValueMemberSS); ok {
			sorted := append([]string(nil), set.Value...)
			sort.Strings(sorted)
			v = &types.AttributeValueMemberSS{Value: sorted}
		}
		out[k] = v
	}
	return out
}

func show(it map[string]types.AttributeValue) string {
	var parts []string
	for k, v := range normalize(it) {
		parts = append(parts, k+"="+strings.TrimPrefix(strings.TrimPrefix(sprint(v), "&"), "types.AttributeValueMember"))
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, " ") + "}"
}
