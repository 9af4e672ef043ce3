package ledger

import (
	"strconv"
	"time"

	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The ledger writes its items attribute by attribute: they are few and
// fixed, a run's state travels as the JSON the work queue carries, and the
// marshalling library would add a module to both functions for a dozen
// fields.

// timeFormat is fixed-width UTC with milliseconds, so that string order is
// time order in the indexes' sort keys.
const timeFormat = "2006-01-02T15:04:05.000Z"

// dayFormat names a byDay partition.
const dayFormat = "2006-01-02"

type item = map[string]ddbtypes.AttributeValue

func str(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: v} }

func num(v int64) ddbtypes.AttributeValue {
	return &ddbtypes.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}

func boolean(v bool) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberBOOL{Value: v} }

func stamp(t time.Time) ddbtypes.AttributeValue { return str(t.UTC().Format(timeFormat)) }

func epoch(t time.Time) ddbtypes.AttributeValue { return num(t.Unix()) }

func strs(v []string) ddbtypes.AttributeValue {
	l := make([]ddbtypes.AttributeValue, 0, len(v))
	for _, s := range v {
		l = append(l, str(s))
	}
	return &ddbtypes.AttributeValueMemberL{Value: l}
}

func counts(c map[string]int) ddbtypes.AttributeValue {
	m := make(item, len(c))
	for k, v := range c {
		m[k] = num(int64(v))
	}
	return &ddbtypes.AttributeValueMemberM{Value: m}
}

func getS(it item, name string) string {
	if v, ok := it[name].(*ddbtypes.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func getN(it item, name string) int64 {
	if v, ok := it[name].(*ddbtypes.AttributeValueMemberN); ok {
		n, _ := strconv.ParseInt(v.Value, 10, 64)
		return n
	}
	return 0
}

func getBool(it item, name string) bool {
	v, ok := it[name].(*ddbtypes.AttributeValueMemberBOOL)
	return ok && v.Value
}

func getTime(it item, name string) time.Time {
	t, _ := time.Parse(timeFormat, getS(it, name))
	return t
}

func getEpoch(it item, name string) time.Time {
	if _, ok := it[name]; !ok {
		return time.Time{}
	}
	return time.Unix(getN(it, name), 0).UTC()
}

func getStrs(it item, name string) []string {
	v, ok := it[name].(*ddbtypes.AttributeValueMemberL)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(v.Value))
	for _, e := range v.Value {
		if s, ok := e.(*ddbtypes.AttributeValueMemberS); ok {
			out = append(out, s.Value)
		}
	}
	return out
}

func getCounts(it item, name string) map[string]int {
	v, ok := it[name].(*ddbtypes.AttributeValueMemberM)
	if !ok {
		return nil
	}
	out := make(map[string]int, len(v.Value))
	for k := range v.Value {
		out[k] = int(getN(v.Value, k))
	}
	return out
}
