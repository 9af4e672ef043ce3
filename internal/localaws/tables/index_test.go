package tables_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// runs is the run ledger's shape: hash key pk only, and four indexes, one
// per projection type (byAccount and byDay as the ledger declares them).
const runs = "landfall-runs"

func keyElem(name string, kt types.KeyType) types.KeySchemaElement {
	return types.KeySchemaElement{AttributeName: aws.String(name), KeyType: kt}
}

func gsi(name, hash, rng string, p types.ProjectionType, nonKey ...string) types.GlobalSecondaryIndex {
	g := types.GlobalSecondaryIndex{IndexName: aws.String(name), KeySchema: []types.KeySchemaElement{keyElem(hash, types.KeyTypeHash)},
		Projection: &types.Projection{ProjectionType: p, NonKeyAttributes: nonKey}}
	if rng != "" {
		g.KeySchema = append(g.KeySchema, keyElem(rng, types.KeyTypeRange))
	}
	return g
}

func attrDefs(names ...string) []types.AttributeDefinition {
	var out []types.AttributeDefinition
	for _, n := range names {
		out = append(out, types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS})
	}
	return out
}

// runsTable is the CreateTable input of the runs table.
func runsTable() *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName: aws.String(runs), BillingMode: types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{keyElem("pk", types.KeyTypeHash)},
		AttributeDefinitions: attrDefs("pk", "account", "startedAt", "day", "trigger", "requestedBy"),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			gsi("byAccount", "account", "startedAt", types.ProjectionTypeInclude, "status", "outcome", "runId"),
			gsi("byDay", "day", "startedAt", types.ProjectionTypeInclude, "status"),
			gsi("byTrigger", "trigger", "", types.ProjectionTypeAll),
			gsi("byRequester", "requestedBy", "", types.ProjectionTypeKeysOnly),
		},
	}
}

// newRunsHarness is newHarness with the runs table created too.
func newRunsHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	if _, err := h.ddb.CreateTable(context.Background(), runsTable()); err != nil {
		t.Fatalf("CreateTable %s: %v", runs, err)
	}
	return h
}

// runItem is a ledger run; empty arguments leave their attribute out.
func runItem(pk, account, startedAt string) map[string]types.AttributeValue {
	it := map[string]types.AttributeValue{"pk": s(pk), "status": s("SUCCEEDED"), "outcome": s("ok"), "secret": s("not projected")}
	for k, v := range map[string]string{"account": account, "startedAt": startedAt} {
		if v != "" {
			it[k] = s(v)
		}
	}
	if startedAt != "" {
		it["day"] = s(startedAt[:10])
	}
	return it
}

func (h *harness) putRun(t *testing.T, it map[string]types.AttributeValue) {
	t.Helper()
	if _, err := h.ddb.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(runs), Item: it}); err != nil {
		t.Fatalf("PutItem: %v", err)
	}
}

func str(v types.AttributeValue) string {
	if sv, ok := v.(*types.AttributeValueMemberS); ok {
		return sv.Value
	}
	return fmt.Sprintf("%v", v)
}

func attrNames(it map[string]types.AttributeValue) string {
	var names []string
	for k := range it {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func TestDescribeTableReportsIndexes(t *testing.T) {
	h := newRunsHarness(t)
	h.putRun(t, runItem("run#1", "222222222222", "2026-01-01T10:00:00Z"))
	h.putRun(t, runItem("run#2", "", "2026-01-01T11:00:00Z")) // in byDay only
	h.putRun(t, runItem("run#3", "", ""))                     // in no index
	d, err := h.ddb.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(runs)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]types.GlobalSecondaryIndexDescription{}
	for _, x := range d.Table.GlobalSecondaryIndexes {
		got[aws.ToString(x.IndexName)] = x
	}
	by := got["byAccount"]
	if len(d.Table.GlobalSecondaryIndexes) != 4 || by.IndexStatus != types.IndexStatusActive ||
		aws.ToString(by.IndexArn) != "arn:aws:dynamodb:us-east-1:111111111111:table/landfall-runs/index/byAccount" {
		t.Fatalf("indexes = %s", sprint(d.Table.GlobalSecondaryIndexes))
	}
	if by.Projection.ProjectionType != types.ProjectionTypeInclude || !reflect.DeepEqual(by.Projection.NonKeyAttributes, []string{"outcome", "runId", "status"}) {
		t.Errorf("byAccount projection = %s, want INCLUDE with its attributes sorted", sprint(by.Projection))
	}
	if aws.ToString(by.KeySchema[0].AttributeName) != "account" || by.KeySchema[1].KeyType != types.KeyTypeRange {
		t.Errorf("byAccount key schema = %s", sprint(by.KeySchema))
	}
	counts := map[string]int64{"byAccount": 1, "byDay": 2, "byTrigger": 0, "byRequester": 0}
	for name, want := range counts {
		if c := aws.ToInt64(got[name].ItemCount); c != want || (want > 0) != (aws.ToInt64(got[name].IndexSizeBytes) > 0) {
			t.Errorf("%s: ItemCount %d, IndexSizeBytes %d; want %d items (sparse)", name, c, aws.ToInt64(got[name].IndexSizeBytes), want)
		}
	}
	if aws.ToInt64(got["byDay"].IndexSizeBytes) >= aws.ToInt64(d.Table.TableSizeBytes) {
		t.Errorf("byDay holds projected entries: %d bytes, table %d", aws.ToInt64(got["byDay"].IndexSizeBytes), aws.ToInt64(d.Table.TableSizeBytes))
	}
}

func TestCreateTableIndexRefusals(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		change func(in *dynamodb.CreateTableInput)
		want   string
	}{
		{"index key not defined", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = attrDefs("pk", "startedAt", "day", "trigger", "requestedBy")
		},
			"One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [account, startedAt], AttributeDefinitions: [day, pk, requestedBy, startedAt, trigger]"},
		{"definition unused", func(in *dynamodb.CreateTableInput) {
			in.AttributeDefinitions = append(in.AttributeDefinitions, attrDefs("extra")...)
			in.GlobalSecondaryIndexes[0].Projection.ProjectionType = "" // masked: the unused definition is reported first
		}, "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [account, day, extra, pk, requestedBy, startedAt, trigger], keys used: [account, day, pk, requestedBy, startedAt, trigger]"},
		{"duplicate index name", func(in *dynamodb.CreateTableInput) { in.GlobalSecondaryIndexes[1].IndexName = aws.String("byAccount") },
			"One or more parameter values were invalid: Duplicate index name: byAccount"},
		{"no projection type", func(in *dynamodb.CreateTableInput) { in.GlobalSecondaryIndexes[2].Projection = &types.Projection{} },
			"One or more parameter values were invalid: Unknown ProjectionType: null"},
		{"non-key attributes without INCLUDE", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[2].Projection.NonKeyAttributes = []string{"status"}
		},
			"One or more parameter values were invalid: ProjectionType is ALL, but NonKeyAttributes is specified"},
		{"INCLUDE without non-key attributes", func(in *dynamodb.CreateTableInput) { in.GlobalSecondaryIndexes[0].Projection.NonKeyAttributes = nil },
			"One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified"},
		{"duplicate non-key attribute", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[1].Projection.NonKeyAttributes = []string{"status", "status"}
		},
			"One or more parameter values were invalid: Duplicate element in NonKeyAttributes: status"},
		{"throughput on an on-demand index", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[1].ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}
		}, "One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: byDay when BillingMode is PAY_PER_REQUEST"},
		{"range key first", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes[0].KeySchema[0].KeyType, in.GlobalSecondaryIndexes[0].KeySchema[1].KeyType = types.KeyTypeRange, types.KeyTypeHash
		}, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"},
		{"empty index list", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes, in.AttributeDefinitions = []types.GlobalSecondaryIndex{}, attrDefs("pk")
		}, "One or more parameter values were invalid: List of GlobalSecondaryIndexes is empty"},
		{"21 indexes", func(in *dynamodb.CreateTableInput) {
			in.GlobalSecondaryIndexes, in.AttributeDefinitions = nil, attrDefs("pk", "g")
			for i := range 21 {
				in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, gsi(fmt.Sprintf("g%02d", i), "g", "", types.ProjectionTypeKeysOnly))
			}
		}, "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := runsTable()
			tc.change(in)
			_, err := h.ddb.CreateTable(context.Background(), in)
			if msg := apiError(t, err, "ValidationException"); msg != tc.want {
				t.Fatalf("message = %q\nwant      %q", msg, tc.want)
			}
		})
	}
}

func TestIndexKeyWrites(t *testing.T) {
	h := newRunsHarness(t)
	ctx := context.Background()
	bad := runItem("run#1", "222222222222", "2026-01-01T10:00:00Z")
	bad["startedAt"] = n("1767261600")
	_, err := h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(runs), Item: bad})
	if msg := apiError(t, err, "ValidationException"); msg != "One or more parameter values were invalid: Type mismatch for Index Key startedAt Expected: S Actual: N IndexName: byAccount" {
		t.Errorf("wrong type: %q", msg)
	}
	bad = runItem("run#1", "", "2026-01-01T10:00:00Z")
	bad["account"] = s("")
	_, err = h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(runs), Item: bad})
	want := "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: byAccount, IndexKey: account"
	if msg := apiError(t, err, "ValidationException"); msg != want {
		t.Errorf("empty string: %q", msg)
	}
	if h.getRun(t, "run#1") != nil {
		t.Fatal("a refused PutItem wrote the item")
	}

	h.putRun(t, runItem("run#1", "222222222222", "2026-01-01T10:00:00Z"))
	update := func(expr string, vals map[string]types.AttributeValue) error {
		_, err := h.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(runs), Key: map[string]types.AttributeValue{"pk": s("run#1")},
			UpdateExpression: aws.String(expr), ExpressionAttributeValues: vals})
		return err
	}
	if msg := apiError(t, update("SET account = :a", map[string]types.AttributeValue{":a": n("2")}), "ValidationException"); !strings.Contains(msg, "Type mismatch for Index Key account Expected: S Actual: N IndexName: byAccount") {
		t.Errorf("update to the wrong type: %q", msg)
	}
	if msg := apiError(t, update("SET account.x = :a", map[string]types.AttributeValue{":a": s("2")}), "ValidationException"); msg != "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: account" {
		t.Errorf("update inside an index key: %q", msg)
	}
	// Removing an index key takes the item out of that index only.
	if err := update("REMOVE account", nil); err != nil {
		t.Fatalf("REMOVE account: %v", err)
	}
	if got := h.countIndex(t, "byAccount"); got != 0 {
		t.Errorf("byAccount holds %d items after REMOVE account, want 0", got)
	}
	if got := h.countIndex(t, "byDay"); got != 1 {
		t.Errorf("byDay holds %d items, want 1", got)
	}
}

func (h *harness) getRun(t *testing.T, pk string) map[string]types.AttributeValue {
	t.Helper()
	out, err := h.ddb.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(runs), Key: map[string]types.AttributeValue{"pk": s(pk)}})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	return out.Item
}

func (h *harness) countIndex(t *testing.T, name string) int32 {
	t.Helper()
	out, err := h.ddb.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(runs), IndexName: aws.String(name), Select: types.SelectCount})
	if err != nil {
		t.Fatalf("Scan %s: %v", name, err)
	}
	return out.Count
}

// seedRuns puts runs of two accounts: account 2 has five, two of them
// (run#b, run#a) starting at the same time; account 3 has one; run#x has
// no account, so it is in byDay but not byAccount.
func seedRuns(t *testing.T, h *harness) {
	t.Helper()
	for _, r := range []struct{ pk, account, startedAt string }{
		{"run#0", "222222222222", "2026-01-01T00:00:00Z"},
		{"run#1", "222222222222", "2026-01-01T01:00:00Z"},
		{"run#b", "222222222222", "2026-01-01T02:00:00Z"},
		{"run#a", "222222222222", "2026-01-01T02:00:00Z"},
		{"run#4", "222222222222", "2026-01-02T04:00:00Z"},
		{"run#z", "333333333333", "2026-01-01T05:00:00Z"},
		{"run#x", "", "2026-01-01T06:00:00Z"},
	} {
		it := runItem(r.pk, r.account, r.startedAt)
		if r.pk == "run#4" {
			it["status"] = s("FAILED")
		}
		h.putRun(t, it)
	}
}

// queryRuns pages through a query, returning the pks and page sizes.
func queryRuns(t *testing.T, h *harness, in dynamodb.QueryInput) (pks []string, pages []int32) {
	t.Helper()
	for range 20 {
		out, err := h.ddb.Query(context.Background(), &in)
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		pages = append(pages, out.Count)
		for _, it := range out.Items {
			pks = append(pks, str(it["pk"]))
		}
		if out.LastEvaluatedKey == nil {
			return pks, pages
		}
		if got := attrNames(out.LastEvaluatedKey); got != "account,pk,startedAt" {
			t.Fatalf("LastEvaluatedKey has %s, want the table and index keys", got)
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	t.Fatal("query never ends")
	return nil, nil
}

func TestQueryIndex(t *testing.T) {
	h := newRunsHarness(t)
	seedRuns(t, h)
	vals := map[string]types.AttributeValue{":a": s("222222222222"), ":since": s("2026-01-01T01:00:00Z"), ":failed": s("FAILED")}
	tests := []struct {
		name, filter string
		backward     bool
		limit        int32
		want         string
		pages        string
	}{
		{"oldest first, ties by table key", "", false, 0, "run#1 run#a run#b run#4", "[4]"},
		{"newest first", "", true, 0, "run#4 run#b run#a run#1", "[4]"},
		{"pages of 3, newest first", "", true, 3, "run#4 run#b run#a run#1", "[3 1]"},
		{"pages of 2 resume between the ties", "", false, 2, "run#1 run#a run#b run#4", "[2 2 0]"},
		{"filter on a projected attribute", "#s <> :failed", true, 2, "run#b run#a run#1", "[1 2 0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := dynamodb.QueryInput{TableName: aws.String(runs), IndexName: aws.String("byAccount"),
				KeyConditionExpression: aws.String("account = :a AND startedAt >= :since"), ScanIndexForward: aws.Bool(!tc.backward),
				ExpressionAttributeValues: map[string]types.AttributeValue{":a": vals[":a"], ":since": vals[":since"]}}
			if tc.filter != "" {
				in.FilterExpression, in.ExpressionAttributeNames = aws.String(tc.filter), map[string]string{"#s": "status"}
				in.ExpressionAttributeValues[":failed"] = vals[":failed"]
			}
			if tc.limit > 0 {
				in.Limit = aws.Int32(tc.limit)
			}
			pks, pages := queryRuns(t, h, in)
			if strings.Join(pks, " ") != tc.want || fmt.Sprint(pages) != tc.pages {
				t.Errorf("got %v in pages %v, want %s in %s", pks, pages, tc.want, tc.pages)
			}
		})
	}
}

func TestIndexProjection(t *testing.T) {
	h := newRunsHarness(t)
	seedRuns(t, h)
	h.putRun(t, map[string]types.AttributeValue{"pk": s("run#t"), "trigger": s("backfill"), "requestedBy": s("ops"), "secret": s("x")})
	tests := []struct {
		index, sel, projection string
		want                   string
	}{
		{"byAccount", "", "", "account,outcome,pk,startedAt,status"},
		{"byAccount", "ALL_PROJECTED_ATTRIBUTES", "", "account,outcome,pk,startedAt,status"},
		{"byAccount", "", "pk, #s", "pk,status"},
		{"byAccount", "SPECIFIC_ATTRIBUTES", "#s", "status"},
		{"byTrigger", "ALL_ATTRIBUTES", "", "pk,requestedBy,secret,trigger"},
		{"byRequester", "", "", "pk,requestedBy"},
	}
	key := map[string]string{"byAccount": "account", "byTrigger": "#t", "byRequester": "requestedBy"}
	val := map[string]string{"byAccount": "333333333333", "byTrigger": "backfill", "byRequester": "ops"}
	for _, tc := range tests {
		t.Run(tc.index+" "+tc.sel+" "+tc.projection, func(t *testing.T) {
			in := &dynamodb.QueryInput{TableName: aws.String(runs), IndexName: aws.String(tc.index), Select: types.Select(tc.sel),
				KeyConditionExpression: aws.String(key[tc.index] + " = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": s(val[tc.index])}}
			if tc.index == "byTrigger" {
				in.ExpressionAttributeNames = map[string]string{"#t": "trigger"} // a reserved word
			}
			if tc.projection != "" {
				in.ProjectionExpression, in.ExpressionAttributeNames = aws.String(tc.projection), map[string]string{"#s": "status"}
			}
			out, err := h.ddb.Query(context.Background(), in)
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			if len(out.Items) != 1 || attrNames(out.Items[0]) != tc.want {
				t.Fatalf("items = %s, want one with %s", sprint(out.Items), tc.want)
			}
		})
	}
}

func TestScanIndex(t *testing.T) {
	h := newRunsHarness(t)
	seedRuns(t, h)
	var pks []string
	in := &dynamodb.ScanInput{TableName: aws.String(runs), IndexName: aws.String("byAccount"), Limit: aws.Int32(4)}
	for range 5 {
		out, err := h.ddb.Scan(context.Background(), in)
		if err != nil {
			t.Fatalf("Scan: %v", err)
		}
		for _, it := range out.Items {
			pks = append(pks, str(it["pk"]))
			if it["secret"] != nil || it["day"] != nil {
				t.Errorf("scan returned unprojected attributes: %s", attrNames(it))
			}
		}
		if in.ExclusiveStartKey = out.LastEvaluatedKey; in.ExclusiveStartKey == nil {
			break
		}
	}
	if got := strings.Join(pks, " "); got != "run#0 run#1 run#a run#b run#4 run#z" {
		t.Errorf("scan of byAccount = %s, want account 2's runs in index order, then account 3's, and not run#x", got)
	}
	// A filter sees only what the index holds: secret is not in byAccount.
	out, err := h.ddb.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(runs), IndexName: aws.String("byAccount"),
		FilterExpression: aws.String("attribute_exists(secret)")})
	if err != nil || out.Count != 0 || out.ScannedCount != 6 {
		t.Errorf("filter on an unprojected attribute: count %d of %d, %v; want 0 of 6", out.Count, out.ScannedCount, err)
	}
}

func TestIndexReadRefusals(t *testing.T) {
	h := newRunsHarness(t)
	seedRuns(t, h)
	acct := map[string]types.AttributeValue{":a": s("222222222222")}
	byAccount := func(mod func(in *dynamodb.QueryInput)) error {
		in := &dynamodb.QueryInput{TableName: aws.String(runs), IndexName: aws.String("byAccount"),
			KeyConditionExpression: aws.String("account = :a"), ExpressionAttributeValues: acct}
		mod(in)
		_, err := h.ddb.Query(context.Background(), in)
		return err
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"unknown index", byAccount(func(in *dynamodb.QueryInput) { in.IndexName = aws.String("byStatus") }),
			"The table does not have the specified index: byStatus"},
		{"consistent read", byAccount(func(in *dynamodb.QueryInput) { in.ConsistentRead = aws.Bool(true) }),
			"Consistent reads are not supported on global secondary indexes"},
		{"all attributes of an INCLUDE index", byAccount(func(in *dynamodb.QueryInput) { in.Select = types.SelectAllAttributes }),
			"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index byAccount because its projection type is not ALL"},
		{"projection of unprojected attributes", byAccount(func(in *dynamodb.QueryInput) {
			in.ProjectionExpression, in.ExpressionAttributeNames = aws.String("pk, secret, #d.x"), map[string]string{"#d": "day"}
		}),
			"One or more parameter values were invalid: Global secondary index byAccount does not project [secret, day]"},
		{"filter on unprojected attributes", byAccount(func(in *dynamodb.QueryInput) {
			in.FilterExpression, in.ExpressionAttributeNames = aws.String("#t = :a OR attribute_exists(#d)"), map[string]string{"#t": "trigger", "#d": "day"}
		}),
			"One or more parameter values were invalid: Secondary index byAccount does not project one or more filter attributes: [day, trigger]"},
		{"filter on the index key", byAccount(func(in *dynamodb.QueryInput) { in.FilterExpression = aws.String("startedAt > :a") }),
			"Filter Expression can only contain non-primary key attributes: Primary key attribute: startedAt"},
		{"key condition on the table key", byAccount(func(in *dynamodb.QueryInput) { in.KeyConditionExpression = aws.String("pk = :a") }),
			"Query condition missed key schema element: account"},
		{"empty index key value", byAccount(func(in *dynamodb.QueryInput) {
			in.ExpressionAttributeValues = map[string]types.AttributeValue{":a": s("")}
		}),
			"A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: byAccount, IndexKey: account"},
		{"start key without the index key", byAccount(func(in *dynamodb.QueryInput) {
			in.ExclusiveStartKey = map[string]types.AttributeValue{"pk": s("run#1")}
		}), "The provided starting key is invalid"},
		{"start key in another partition", byAccount(func(in *dynamodb.QueryInput) {
			in.ExclusiveStartKey = map[string]types.AttributeValue{"pk": s("run#z"), "account": s("333333333333"), "startedAt": s("2026-01-01T05:00:00Z")}
		}), "The provided starting key is outside query boundaries based on provided conditions"},
		{"projected attributes of the table", func() error {
			_, err := h.ddb.Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String(runs), Select: types.SelectAllProjectedAttributes,
				KeyConditionExpression: aws.String("pk = :a"), ExpressionAttributeValues: acct})
			return err
		}(), "1 validation error detected: ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"},
		{"a projection expression with another Select", byAccount(func(in *dynamodb.QueryInput) {
			in.Select, in.ProjectionExpression = types.SelectAllProjectedAttributes, aws.String("pk")
		}), "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES"},
		{"scan: specific attributes without a projection", func() error {
			_, err := h.ddb.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(runs), IndexName: aws.String("byDay"), Select: types.SelectSpecificAttributes})
			return err
		}(), "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"},
		{"scan: consistent read", func() error {
			_, err := h.ddb.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(runs), IndexName: aws.String("byDay"), ConsistentRead: aws.Bool(true)})
			return err
		}(), "Consistent reads are not supported on global secondary indexes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if msg := apiError(t, tc.err, "ValidationException"); !strings.HasSuffix(msg, tc.want) {
				t.Fatalf("message = %q\nwant      %q", msg, tc.want)
			}
		})
	}
	_, err := h.ddb.Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String("no-such-table"), IndexName: aws.String("byAccount"),
		KeyConditionExpression: aws.String("account = :a"), ExpressionAttributeValues: acct})
	apiError(t, err, "ResourceNotFoundException")
}
