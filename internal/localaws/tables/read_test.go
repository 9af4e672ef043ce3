package tables_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/landfall/landfall/internal/localaws/tables"
)

// TestTTLExpiredItemsReadableUntilDeleted: an expired item is still
// returned until the sweeper deletes it, TTLDeletionDelay after expiry.
func TestTTLExpiredItemsReadableUntilDeleted(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.ddb.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(ledger),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("expiresAt"), Enabled: aws.Bool(true)}})
	if err != nil {
		t.Fatalf("UpdateTimeToLive: %v", err)
	}
	d, err := h.ddb.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(ledger)})
	if err != nil || d.TimeToLiveDescription.TimeToLiveStatus != types.TimeToLiveStatusEnabled || aws.ToString(d.TimeToLiveDescription.AttributeName) != "expiresAt" {
		t.Fatalf("DescribeTimeToLive = %+v, %v", d, err)
	}
	_, err = h.ddb.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(ledger),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("expiresAt"), Enabled: aws.Bool(true)}})
	if msg := apiError(t, err, "ValidationException"); msg != "TimeToLive is already enabled" {
		t.Errorf("enabling twice: %q", msg)
	}
	now := h.clock.Now()
	epoch := func(d time.Duration) types.AttributeValue { return n(strconv.FormatInt(now.Add(d).Unix(), 10)) }
	h.put(t, item("run#old", "meta", map[string]types.AttributeValue{"expiresAt": epoch(-time.Hour)}))
	h.put(t, item("run#ancient", "meta", map[string]types.AttributeValue{"expiresAt": epoch(-6 * 365 * 24 * time.Hour)}))
	h.put(t, item("run#new", "meta", map[string]types.AttributeValue{"expiresAt": epoch(24 * time.Hour)}))
	h.put(t, item("run#text", "meta", map[string]types.AttributeValue{"expiresAt": s("yesterday")}))

	steps := []struct {
		advance time.Duration
		present []string
	}{
		{0, []string{"run#old", "run#ancient", "run#new", "run#text"}},                                                 // expired, still readable
		{tables.TTLDeletionDelay - time.Hour - time.Second, []string{"run#old", "run#ancient", "run#new", "run#text"}}, // 1 s before deletion
		{time.Second, []string{"run#ancient", "run#new", "run#text"}},                                                  // deleted 48 h after expiry
		{30 * 24 * time.Hour, []string{"run#ancient", "run#text"}},                                                     // over 5 years old: never deleted; non-numbers neither
	}
	for i, st := range steps {
		h.clock.Advance(st.advance)
		for _, pk := range []string{"run#old", "run#ancient", "run#new", "run#text"} {
			want := strings.Contains(strings.Join(st.present, ","), pk)
			if got := h.get(t, pk, "meta") != nil; got != want {
				t.Errorf("step %d: %s present = %v, want %v", i, pk, got, want)
			}
		}
	}
}

// seed puts count items under pk with sk item#00.., each pad bytes large.
func seed(t *testing.T, h *harness, pk string, count, pad int) {
	t.Helper()
	for i := range count {
		h.put(t, item(pk, fmt.Sprintf("item#%02d", i), map[string]types.AttributeValue{"i": n(strconv.Itoa(i)), "pad": s(strings.Repeat("p", pad))}))
	}
}

// queryAll pages through a query, returning the sort keys and page sizes.
func queryAll(t *testing.T, h *harness, in dynamodb.QueryInput) (sks []string, pages []int) {
	t.Helper()
	for {
		out, err := h.ddb.Query(context.Background(), &in)
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		pages = append(pages, int(out.ScannedCount))
		for _, it := range out.Items {
			sks = append(sks, it["sk"].(*types.AttributeValueMemberS).Value)
		}
		if out.LastEvaluatedKey == nil {
			return sks, pages
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
		if len(pages) > 100 {
			t.Fatal("query never ends")
		}
	}
}

func TestQuery(t *testing.T) {
	h := newHarness(t)
	seed(t, h, "acct#1", 25, 10)
	seed(t, h, "acct#2", 3, 10)
	vals := map[string]types.AttributeValue{":p": s("acct#1"), ":pre": s("item#1"), ":lo": s("item#05"), ":hi": s("item#07"), ":five": n("5")}
	tests := []struct {
		name, keyCond, filter string
		limit                 int32
		backward              bool
		wantFirst, wantLast   string
		wantCount             int
		wantPages             []int
	}{
		{"partition", "pk = :p", "", 0, false, "item#00", "item#24", 25, []int{25}},
		{"pages of 10", "pk = :p", "", 10, false, "item#00", "item#24", 25, []int{10, 10, 5}},
		{"exact pages end with an empty one", "pk = :p", "", 5, false, "item#00", "item#24", 25, []int{5, 5, 5, 5, 5, 0}},
		{"backward", "pk = :p", "", 10, true, "item#24", "item#00", 25, []int{10, 10, 5}},
		{"begins_with", "pk = :p AND begins_with(sk, :pre)", "", 0, false, "item#10", "item#19", 10, []int{10}},
		{"between", "pk = :p AND sk BETWEEN :lo AND :hi", "", 0, false, "item#05", "item#07", 3, []int{3}},
		{"greater", "sk > :hi AND pk = :p", "", 0, false, "item#08", "item#24", 17, []int{17}},
		{"filter counts after the limit", "pk = :p", "i < :five", 10, false, "item#00", "item#04", 5, []int{10, 10, 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := dynamodb.QueryInput{TableName: aws.String(ledger), KeyConditionExpression: aws.String(tc.keyCond),
				ExpressionAttributeValues: map[string]types.AttributeValue{}, ScanIndexForward: aws.Bool(!tc.backward)}
			if tc.filter != "" {
				in.FilterExpression = aws.String(tc.filter)
			}
			if tc.limit > 0 {
				in.Limit = aws.Int32(tc.limit)
			}
			for _, k := range valueRef.FindAllString(tc.keyCond+" "+tc.filter, -1) {
				in.ExpressionAttributeValues[k] = vals[k]
			}
			sks, pages := queryAll(t, h, in)
			if len(sks) != tc.wantCount || sks[0] != tc.wantFirst || sks[len(sks)-1] != tc.wantLast {
				t.Errorf("items = %v, want %d from %s to %s", sks, tc.wantCount, tc.wantFirst, tc.wantLast)
			}
			if fmt.Sprint(pages) != fmt.Sprint(tc.wantPages) {
				t.Errorf("scanned per page = %v, want %v", pages, tc.wantPages)
			}
		})
	}
}

func TestQueryOneMegabytePages(t *testing.T) {
	h := newHarness(t)
	seed(t, h, "big", 8, 300*1024) // ~300 KB each: a page stops once it has read 1 MB
	sks, pages := queryAll(t, h, dynamodb.QueryInput{TableName: aws.String(ledger), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("big")}})
	if len(sks) != 8 || fmt.Sprint(pages) != "[4 4 0]" {
		t.Fatalf("items %d, scanned per page %v; want 8 in [4 4 0]", len(sks), pages)
	}
}

func TestQueryStartKeyOutsideThePartition(t *testing.T) {
	h := newHarness(t)
	_, err := h.ddb.Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String(ledger), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("acct#1")}, ExclusiveStartKey: key("acct#2", "item#00")})
	if msg := apiError(t, err, "ValidationException"); msg != "The provided starting key is outside query boundaries based on provided conditions" {
		t.Fatalf("message = %q", msg)
	}
}

func TestKeyConditionRefusals(t *testing.T) {
	h := newHarness(t)
	tests := []struct{ keyCond, want string }{
		{"sk = :v", "Query condition missed key schema element: pk"},
		{"pk = :v OR sk = :v", "Invalid operator used in KeyConditionExpression: OR"},
		{"pk = :v AND extra = :v", "Query key condition not supported"},
		{"pk < :v", "Query key condition not supported"},
		{"pk = :v AND contains(sk, :v)", "Invalid operator used in KeyConditionExpression: contains"},
		{"pk = :n", "Condition parameter type does not match schema type"},
		{"pk = :v AND sk BETWEEN :z AND :a", "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower operand: {S: z}, upper operand: {S: a}"},
	}
	for _, tc := range tests {
		t.Run(tc.keyCond, func(t *testing.T) {
			in := &dynamodb.QueryInput{TableName: aws.String(ledger), KeyConditionExpression: aws.String(tc.keyCond),
				ExpressionAttributeValues: map[string]types.AttributeValue{}}
			for _, k := range valueRef.FindAllString(tc.keyCond, -1) {
				in.ExpressionAttributeValues[k] = map[string]types.AttributeValue{":v": s("x"), ":n": n("1"), ":a": s("a"), ":z": s("z")}[k]
			}
			_, err := h.ddb.Query(context.Background(), in)
			if msg := apiError(t, err, "ValidationException"); !strings.Contains(msg, tc.want) {
				t.Fatalf("message = %q, want it to contain %q", msg, tc.want)
			}
		})
	}
}

func TestScanAndProjection(t *testing.T) {
	h := newHarness(t)
	seed(t, h, "acct#2", 3, 1)
	seed(t, h, "acct#1", 2, 1)
	out, err := h.ddb.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(ledger),
		FilterExpression: aws.String("i >= :one"), ProjectionExpression: aws.String("pk, sk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1")}})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	var got []string
	for _, it := range out.Items {
		if len(it) != 2 {
			t.Errorf("projection kept %v", it)
		}
		got = append(got, it["pk"].(*types.AttributeValueMemberS).Value+"/"+it["sk"].(*types.AttributeValueMemberS).Value)
	}
	if fmt.Sprint(got) != "[acct#1/item#01 acct#2/item#01 acct#2/item#02]" || out.ScannedCount != 5 || out.Count != 3 {
		t.Fatalf("Scan = %v (count %d of %d)", got, out.Count, out.ScannedCount)
	}
}
