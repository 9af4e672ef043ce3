package tables_test

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// run is the ledger item the condition tests check.
func run() map[string]types.AttributeValue {
	return item("run#1", "meta", map[string]types.AttributeValue{
		"status":  s("RUNNING"),
		"count":   n("3"),
		"tags":    &types.AttributeValueMemberSS{Value: []string{"a", "b"}},
		"steps":   &types.AttributeValueMemberL{Value: []types.AttributeValue{s("x"), n("1")}},
		"who":     &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"arn": s("arn:aws:iam::1:role/op")}},
		"payload": &types.AttributeValueMemberB{Value: []byte("abc")},
	})
}

// valueRef finds the :values an expression uses.
var valueRef = regexp.MustCompile(`:[A-Za-z0-9_]+`)

func TestConditionExpressions(t *testing.T) {
	h := newHarness(t)
	h.put(t, run())
	vals := map[string]types.AttributeValue{
		":r": s("RUNNING"), ":a": s("DONE"), ":one": n("1"), ":ten": n("10"), ":two": n("2"),
		":N": s("N"), ":pre": s("RUN"), ":tag": s("a"), ":x": s("x"), ":arn": s("arn:aws:iam::1:role/op"),
	}
	tests := []struct {
		expr string
		want bool
	}{
		{"attribute_exists(pk)", true},
		{"attribute_not_exists(pk)", false},
		{"#s = :r", true},
		{"#s <> :r", false},
		{"#c < :ten", true}, // numbers compare by value: "3" < "10"
		{"#c > :ten", false},
		{"#c <= :one", false},
		{"#c >= :one", true},
		{"#c BETWEEN :one AND :ten", true},
		{"#s IN (:a, :r)", true},
		{"#s IN (:a)", false},
		{"NOT #s = :r", false},
		{"NOT (#s = :a)", true},
		{"(#s = :a OR #c >= :one) AND size(tags) = :two", true},
		{"#s = :a OR #c >= :ten", false},
		{"attribute_type(#c, :N)", true},
		{"attribute_type(#s, :N)", false},
		{"begins_with(#s, :pre)", true},
		{"begins_with(#c, :pre)", false},
		{"contains(tags, :tag)", true},
		{"contains(steps, :x)", true},
		{"contains(#s, :x)", false},
		{"who.arn = :arn", true},
		{"steps[1] = :one", true},
		{"steps[5] = :one", false},
		{"size(steps) = :two AND size(payload) > :two", true},
		{"absent = :r", false},
		{"absent <> :r", true}, // a absent attribute differs from every value
		{"size(absent) > :one", false},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			used := map[string]types.AttributeValue{}
			for _, k := range valueRef.FindAllString(tc.expr, -1) {
				used[k] = vals[k]
			}
			names := map[string]string{}
			for k, v := range map[string]string{"#s": "status", "#c": "count"} {
				if strings.Contains(tc.expr, k) {
					names[k] = v
				}
			}
			in := &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: run(), ConditionExpression: aws.String(tc.expr)}
			if len(used) > 0 {
				in.ExpressionAttributeValues = used
			}
			if len(names) > 0 {
				in.ExpressionAttributeNames = names
			}
			_, err := h.ddb.PutItem(context.Background(), in)
			var ccf *types.ConditionalCheckFailedException
			switch {
			case tc.want && err != nil:
				t.Fatalf("condition failed: %v", err)
			case !tc.want && !errors.As(err, &ccf):
				t.Fatalf("error = %v, want ConditionalCheckFailedException", err)
			}
		})
	}
}

func TestConditionalCheckFailedCarriesItemWhenAsked(t *testing.T) {
	h := newHarness(t)
	h.put(t, run())
	for _, tc := range []struct {
		returnValues types.ReturnValuesOnConditionCheckFailure
		wantItem     bool
	}{{types.ReturnValuesOnConditionCheckFailureAllOld, true}, {types.ReturnValuesOnConditionCheckFailureNone, false}, {"", false}} {
		_, err := h.ddb.PutItem(context.Background(), &dynamodb.PutItemInput{
			TableName: aws.String(ledger), Item: key("run#1", "meta"),
			ConditionExpression:                 aws.String("attribute_not_exists(pk)"),
			ReturnValuesOnConditionCheckFailure: tc.returnValues,
		})
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) {
			t.Fatalf("%q: error = %v, want ConditionalCheckFailedException", tc.returnValues, err)
		}
		if ccf.ErrorMessage() != "The conditional request failed" {
			t.Errorf("message = %q", ccf.ErrorMessage())
		}
		if got := ccf.Item != nil; got != tc.wantItem {
			t.Fatalf("%q: item returned = %v, want %v", tc.returnValues, got, tc.wantItem)
		}
		if tc.wantItem && !reflect.DeepEqual(ccf.Item, run()) {
			t.Errorf("item = %#v, want the stored run", ccf.Item)
		}
	}
	if got := h.get(t, "run#1", "meta"); len(got) != len(run()) {
		t.Errorf("a failed conditional put changed the item: %v", got)
	}
}
