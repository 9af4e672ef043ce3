package catalog_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/localaws/catalog"
)

// vpcInput is a valid launch of baseline-vpc v2.0.
func vpcInput(name, token string) *servicecatalog.ProvisionProductInput {
	return &servicecatalog.ProvisionProductInput{
		ProductName:              aws.String("baseline-vpc"),
		ProvisioningArtifactName: aws.String("v2.0"),
		ProvisionedProductName:   aws.String(name),
		ProvisionToken:           aws.String(token),
		ProvisioningParameters:   params("VpcCidr", "10.1.0.0/16", "AccountName", "LifeCycle1"),
		Tags:                     []types.Tag{{Key: aws.String("landfall:run"), Value: aws.String("run-1")}},
	}
}

func TestProvisionValidation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member", "us-east-1", "port-ue1main")
	e.onboard("member", "us-east-1", "port-ue1extra")
	sc := e.client("member", "us-east-1")

	tooManyTags := make([]types.Tag, 51)
	for i := range tooManyTags {
		tooManyTags[i] = types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")}
	}
	tests := []struct {
		name   string
		modify func(in *servicecatalog.ProvisionProductInput)
		check  func(*testing.T, error)
	}{
		{"deprecated version", func(in *servicecatalog.ProvisionProductInput) { in.ProvisioningArtifactName = aws.String("v1.0") },
			invalid("pa-ue1vpc10", "v1.0", "DEPRECATED")},
		{"inactive version", func(in *servicecatalog.ProvisionProductInput) { in.ProvisioningArtifactName = aws.String("v3.0-beta") },
			invalid("v3.0-beta", "does not exist or is not active")},
		{"unknown version ID", func(in *servicecatalog.ProvisionProductInput) {
			in.ProvisioningArtifactName = nil
			in.ProvisioningArtifactId = aws.String("pa-nope")
		}, invalid("pa-nope")},
		{"product by ID and name", func(in *servicecatalog.ProvisionProductInput) { in.ProductId = aws.String("prod-ue1vpc") },
			invalid("ProductId or ProductName, not both")},
		{"version by ID and name", func(in *servicecatalog.ProvisionProductInput) { in.ProvisioningArtifactId = aws.String("pa-ue1vpc20") },
			invalid("not both")},
		{"no version", func(in *servicecatalog.ProvisionProductInput) { in.ProvisioningArtifactName = nil },
			invalid("ProvisioningArtifactId or ProvisioningArtifactName must be specified")},
		{"unknown product", func(in *servicecatalog.ProvisionProductInput) { in.ProductName = aws.String("nope") },
			notFoundErr(`"nope"`)},
		{"product not shared with the account", func(in *servicecatalog.ProvisionProductInput) {
			in.ProductName = aws.String("direct-product")
			in.ProvisioningArtifactName = aws.String("v1")
			in.ProvisioningParameters = nil
		}, notFoundErr("direct-product")},
		{"missing parameters", func(in *servicecatalog.ProvisionProductInput) { in.ProvisioningParameters = nil },
			invalid("Parameters: [VpcCidr, AccountName] must have values")},
		{"value not allowed", func(in *servicecatalog.ProvisionProductInput) {
			in.ProvisioningParameters = append(in.ProvisioningParameters, params("Environment", "qa")...)
		}, invalid("Parameter 'Environment' must be one of AllowedValues")},
		{"pattern not matched", func(in *servicecatalog.ProvisionProductInput) {
			in.ProvisioningParameters = params("VpcCidr", "192.168.0.0/16", "AccountName", "x")
		}, invalid("Parameter 'VpcCidr' must match pattern")},
		{"pattern must match the whole value", func(in *servicecatalog.ProvisionProductInput) {
			in.ProvisioningParameters = params("VpcCidr", "10.1.0.0/16x", "AccountName", "x")
		}, invalid("Parameter 'VpcCidr' must match pattern")},
		{"unknown parameter", func(in *servicecatalog.ProvisionProductInput) {
			in.ProvisioningParameters = append(in.ProvisioningParameters, params("Foo", "1", "Bar", "2")...)
		}, invalid("Parameters: [Foo, Bar] do not exist in the template")},
		{"parameter twice", func(in *servicecatalog.ProvisionProductInput) {
			in.ProvisioningParameters = append(in.ProvisioningParameters, params("AccountName", "y")...)
		}, invalid("'AccountName' is specified more than once")},
		{"bad token", func(in *servicecatalog.ProvisionProductInput) { in.ProvisionToken = aws.String("-token") },
			validation("'-token' at 'provisionToken'", "regular expression pattern")},
		{"token too long", func(in *servicecatalog.ProvisionProductInput) {
			in.ProvisionToken = aws.String(strings.Repeat("a", 129))
		},
			validation("at 'provisionToken'", "length less than or equal to 128")},
		{"bad name", func(in *servicecatalog.ProvisionProductInput) { in.ProvisionedProductName = aws.String("_vpc") },
			validation("'_vpc' at 'provisionedProductName'")},
		{"empty name", func(in *servicecatalog.ProvisionProductInput) { in.ProvisionedProductName = aws.String("") },
			validation("2 validation errors detected", "length greater than or equal to 1")},
		{"too many tags", func(in *servicecatalog.ProvisionProductInput) { in.Tags = tooManyTags }, validation("at 'tags'", "length less than or equal to 50")},
		{"reserved tag prefix", func(in *servicecatalog.ProvisionProductInput) {
			in.Tags = []types.Tag{{Key: aws.String("aws:owner"), Value: aws.String("x")}}
		}, invalid("reserved prefix aws:")},
		{"bad tag characters", func(in *servicecatalog.ProvisionProductInput) {
			in.Tags = []types.Tag{{Key: aws.String("a*b"), Value: aws.String("x")}}
		}, validation("'a*b' at 'tags.1.member.key'", "regular expression pattern")},
		{"duplicate tag", func(in *servicecatalog.ProvisionProductInput) {
			in.Tags = []types.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("k"), Value: aws.String("2")}}
		}, invalid(`"k" is given twice`)},
		{"two launch paths need a PathId", func(in *servicecatalog.ProvisionProductInput) {
			in.ProductName = aws.String("multi-path")
			in.ProvisioningArtifactName = aws.String("v1")
			in.ProvisioningParameters = nil
		}, invalid("more than one launch path", "port-ue1extra", "PathId")},
		{"unknown PathId", func(in *servicecatalog.ProvisionProductInput) {
			in.ProductName = aws.String("multi-path")
			in.ProvisioningArtifactName = aws.String("v1")
			in.ProvisioningParameters = nil
			in.PathId = aws.String("port-nope")
		}, notFoundErr("port-nope")},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := vpcInput(fmt.Sprintf("vpc-%d", i), fmt.Sprintf("token-%d", i))
			tt.modify(in)
			_, err := sc.ProvisionProduct(ctx, in)
			tt.check(t, err)
		})
	}
	if got := e.cat.ProvisionedProducts(member, "us-east-1", e.clock.Now()); len(got) != 0 {
		t.Errorf("rejected launches left %d provisioned products", len(got))
	}

	// The same launches succeed once fixed.
	in := vpcInput("multi", "token-multi")
	in.ProductName, in.ProvisioningArtifactName, in.ProvisioningParameters = aws.String("multi-path"), aws.String("v1"), nil
	in.PathId = aws.String("port-ue1extra")
	out, err := sc.ProvisionProduct(ctx, in)
	if err != nil {
		t.Fatalf("ProvisionProduct with PathId: %v", err)
	}
	if aws.ToString(out.RecordDetail.PathId) != "port-ue1extra" {
		t.Errorf("PathId = %q", aws.ToString(out.RecordDetail.PathId))
	}
}

func invalid(fragments ...string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		wantAPIError[*types.InvalidParametersException](t, err, fragments...)
	}
}

// validation expects the ValidationException AWS answers for a request that
// breaks the service model (a pattern, a length), before any service logic.
func validation(fragments ...string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		wantCode(t, err, "ValidationException", fragments...)
	}
}

func notFoundErr(fragments ...string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		wantAPIError[*types.ResourceNotFoundException](t, err, fragments...)
	}
}

// recordStatus describes a record and returns its status.
func recordStatus(t *testing.T, sc *servicecatalog.Client, id string) *servicecatalog.DescribeRecordOutput {
	t.Helper()
	out, err := sc.DescribeRecord(context.Background(), &servicecatalog.DescribeRecordInput{Id: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeRecord %s: %v", id, err)
	}
	return out
}

func ppStatus(t *testing.T, sc *servicecatalog.Client, id string) *types.ProvisionedProductDetail {
	t.Helper()
	out, err := sc.DescribeProvisionedProduct(context.Background(), &servicecatalog.DescribeProvisionedProductInput{Id: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeProvisionedProduct %s: %v", id, err)
	}
	return out.ProvisionedProductDetail
}

func TestProvisionSucceeds(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member", "us-east-1", "port-ue1main")
	sc := e.client("member", "us-east-1")

	out, err := sc.ProvisionProduct(ctx, vpcInput("baseline-vpc", "run1-ue1-vpc"))
	if err != nil {
		t.Fatal(err)
	}
	rd := out.RecordDetail
	recID, ppID := aws.ToString(rd.RecordId), aws.ToString(rd.ProvisionedProductId)
	if rd.Status != types.RecordStatusCreated || aws.ToString(rd.RecordType) != "PROVISION_PRODUCT" ||
		aws.ToString(rd.ProductId) != "prod-ue1vpc" || aws.ToString(rd.ProvisioningArtifactId) != "pa-ue1vpc20" ||
		!strings.HasPrefix(recID, "rec-") || !strings.HasPrefix(ppID, "pp-") || !aws.ToTime(rd.CreatedTime).Equal(start) ||
		aws.ToString(rd.ProvisionedProductType) != "CFN_STACK" || len(rd.RecordTags) != 1 {
		t.Fatalf("RecordDetail = %+v", rd)
	}

	steps := []struct {
		at        time.Duration
		record    types.RecordStatus
		pp        types.ProvisionedProductStatus
		outputs   int
		lastGood  string
		updatedAt time.Duration
	}{
		{0, types.RecordStatusCreated, types.ProvisionedProductStatusUnderChange, 0, "", 0},
		{time.Second, types.RecordStatusInProgress, types.ProvisionedProductStatusUnderChange, 0, "", time.Second},
		{3*time.Minute - time.Second, types.RecordStatusInProgress, types.ProvisionedProductStatusUnderChange, 0, "", time.Second},
		{3 * time.Minute, types.RecordStatusSucceeded, types.ProvisionedProductStatusAvailable, 3, recID, 3 * time.Minute},
		{time.Hour, types.RecordStatusSucceeded, types.ProvisionedProductStatusAvailable, 3, recID, 3 * time.Minute},
	}
	for _, s := range steps {
		e.clock.AdvanceTo(start.Add(s.at))
		rec := recordStatus(t, sc, recID)
		if rec.RecordDetail.Status != s.record || len(rec.RecordOutputs) != s.outputs ||
			!aws.ToTime(rec.RecordDetail.UpdatedTime).Equal(start.Add(s.updatedAt)) || len(rec.RecordDetail.RecordErrors) != 0 {
			t.Errorf("at %s: record %s, %d outputs, updated %s", s.at, rec.RecordDetail.Status, len(rec.RecordOutputs), aws.ToTime(rec.RecordDetail.UpdatedTime))
		}
		pp := ppStatus(t, sc, ppID)
		if pp.Status != s.pp || aws.ToString(pp.LastSuccessfulProvisioningRecordId) != s.lastGood {
			t.Errorf("at %s: product %s, last successful %q", s.at, pp.Status, aws.ToString(pp.LastSuccessfulProvisioningRecordId))
		}
	}

	pp := ppStatus(t, sc, ppID)
	wantARN := "arn:aws:servicecatalog:us-east-1:222222222222:stack/baseline-vpc/" + ppID
	if aws.ToString(pp.Arn) != wantARN || aws.ToString(pp.Name) != "baseline-vpc" || aws.ToString(pp.IdempotencyToken) != "run1-ue1-vpc" ||
		aws.ToString(pp.LastRecordId) != recID || aws.ToString(pp.LastProvisioningRecordId) != recID ||
		aws.ToString(pp.ProvisioningArtifactId) != "pa-ue1vpc20" || aws.ToString(pp.ProductId) != "prod-ue1vpc" {
		t.Errorf("ProvisionedProductDetail = %+v", pp)
	}
	byName, err := sc.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Name: aws.String("baseline-vpc")})
	if err != nil || aws.ToString(byName.ProvisionedProductDetail.Id) != ppID {
		t.Errorf("DescribeProvisionedProduct by name = %v, %v", byName, err)
	}

	rec := recordStatus(t, sc, recID)
	var outputs []string
	for _, o := range rec.RecordOutputs {
		outputs = append(outputs, aws.ToString(o.OutputKey)+"="+aws.ToString(o.OutputValue))
	}
	if got := fmt.Sprint(outputs); got != "[Owner=222222222222 StackRegion=us-east-1 VpcCidr=10.1.0.0/16]" {
		t.Errorf("RecordOutputs = %s", got)
	}
	go1, err := sc.GetProvisionedProductOutputs(ctx, &servicecatalog.GetProvisionedProductOutputsInput{
		ProvisionedProductName: aws.String("baseline-vpc"), OutputKeys: []string{"VpcCidr"},
	})
	if err != nil || len(go1.Outputs) != 1 || aws.ToString(go1.Outputs[0].OutputValue) != "10.1.0.0/16" {
		t.Errorf("GetProvisionedProductOutputs = %+v, %v", go1, err)
	}

	views := e.cat.ProvisionedProducts(member, "us-east-1", e.clock.Now())
	if len(views) != 1 {
		t.Fatalf("ProvisionedProducts = %d, want 1", len(views))
	}
	v := views[0]
	if v.Status != "AVAILABLE" || v.ArtifactName != "v2.0" || v.Parameters["Environment"] != "dev" || v.Tags["landfall:run"] != "run-1" ||
		v.Outputs["VpcCidr"] != "10.1.0.0/16" || v.UserARN != cteARN || v.ProductName != "baseline-vpc" {
		t.Errorf("view = %+v", v)
	}
	if got := e.cat.AllProvisionedProducts(e.clock.Now()); len(got) != 1 {
		t.Errorf("AllProvisionedProducts = %d, want 1", len(got))
	}
}

func TestProvisionFails(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member3", "us-east-1", "port-ue1main")
	sc := e.client("member3", "us-east-1")
	out, err := sc.ProvisionProduct(ctx, &servicecatalog.ProvisionProductInput{
		ProductId: aws.String("prod-ue1audit"), ProvisioningArtifactId: aws.String("pa-ue1audit2501"),
		ProvisionedProductName: aws.String("security-audit"), ProvisionToken: aws.String("run1-audit"),
		ProvisioningParameters: params("AuditAccountId", "555555555555"),
	})
	if err != nil {
		t.Fatal(err)
	}
	recID, ppID := aws.ToString(out.RecordDetail.RecordId), aws.ToString(out.RecordDetail.ProvisionedProductId)
	// The per-account override: 2 minutes, failing; the last fifth rolls back.
	steps := []struct {
		at     time.Duration
		record types.RecordStatus
		errors int
		pp     types.ProvisionedProductStatus
	}{
		{time.Minute, types.RecordStatusInProgress, 0, types.ProvisionedProductStatusUnderChange},
		{96*time.Second - time.Millisecond, types.RecordStatusInProgress, 0, types.ProvisionedProductStatusUnderChange},
		{96 * time.Second, types.RecordStatusInProgressInError, 1, types.ProvisionedProductStatusUnderChange},
		{2 * time.Minute, types.RecordStatusFailed, 1, types.ProvisionedProductStatusError},
	}
	for _, s := range steps {
		e.clock.AdvanceTo(start.Add(s.at))
		rec := recordStatus(t, sc, recID)
		if rec.RecordDetail.Status != s.record || len(rec.RecordDetail.RecordErrors) != s.errors || len(rec.RecordOutputs) != 0 {
			t.Errorf("at %s: record %s with %d errors, %d outputs", s.at, rec.RecordDetail.Status, len(rec.RecordDetail.RecordErrors), len(rec.RecordOutputs))
		}
		if pp := ppStatus(t, sc, ppID); pp.Status != s.pp {
			t.Errorf("at %s: product %s, want %s", s.at, pp.Status, s.pp)
		}
	}
	rec := recordStatus(t, sc, recID)
	if re := rec.RecordDetail.RecordErrors[0]; aws.ToString(re.Code) != "CREATE_FAILED" || aws.ToString(re.Description) != "Bucket landfall-audit already exists" {
		t.Errorf("RecordErrors = %+v", rec.RecordDetail.RecordErrors)
	}
	pp := ppStatus(t, sc, ppID)
	if aws.ToString(pp.StatusMessage) != "Bucket landfall-audit already exists" || pp.LastSuccessfulProvisioningRecordId != nil {
		t.Errorf("failed product = %+v", pp)
	}
	recs := e.cat.Records(member3, "us-east-1", e.clock.Now())
	if len(recs) != 1 || recs[0].Status != "FAILED" || fmt.Sprint(recs[0].Errors) != "[Bucket landfall-audit already exists]" {
		t.Errorf("Records = %+v", recs)
	}

	// Its stack rolled back: an update is accepted but fails, as
	// CloudFormation refuses to update a ROLLBACK_COMPLETE stack.
	upd, err := sc.UpdateProvisionedProduct(ctx, &servicecatalog.UpdateProvisionedProductInput{
		ProvisionedProductId: aws.String(ppID), UpdateToken: aws.String("repair-1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(10 * time.Minute)
	if rec := recordStatus(t, sc, aws.ToString(upd.RecordDetail.RecordId)); rec.RecordDetail.Status != types.RecordStatusFailed ||
		len(rec.RecordDetail.RecordErrors) != 1 || !strings.Contains(aws.ToString(rec.RecordDetail.RecordErrors[0].Description), "ROLLBACK_COMPLETE") {
		t.Errorf("update of a never-provisioned product: %+v, want FAILED with ROLLBACK_COMPLETE", rec.RecordDetail)
	}

	// The same version succeeds in an account without the override.
	e.onboard("member", "us-east-1", "port-ue1main")
	ok, err := e.client("member", "us-east-1").ProvisionProduct(ctx, &servicecatalog.ProvisionProductInput{
		ProductId: aws.String("prod-ue1audit"), ProvisioningArtifactId: aws.String("pa-ue1audit2501"),
		ProvisionedProductName: aws.String("security-audit"), ProvisionToken: aws.String("run1-audit"),
		ProvisioningParameters: params("AuditAccountId", "555555555555"),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(5 * time.Minute)
	if st := recordStatus(t, e.client("member", "us-east-1"), aws.ToString(ok.RecordDetail.RecordId)).RecordDetail.Status; st != types.RecordStatusSucceeded {
		t.Errorf("member's record = %s, want SUCCEEDED", st)
	}
}

func TestTokenReplayAndDuplicateName(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member", "us-east-1", "port-ue1main")
	sc := e.client("member", "us-east-1")
	first, err := sc.ProvisionProduct(ctx, vpcInput("vpc", "run1"))
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(30 * time.Second)
	// A retried Lambda repeats the call with the same token: same record, no
	// second product, the status as of now.
	again, err := sc.ProvisionProduct(ctx, vpcInput("vpc", "run1"))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(again.RecordDetail.RecordId) != aws.ToString(first.RecordDetail.RecordId) ||
		aws.ToString(again.RecordDetail.ProvisionedProductId) != aws.ToString(first.RecordDetail.ProvisionedProductId) {
		t.Errorf("replay returned record %s, want %s", aws.ToString(again.RecordDetail.RecordId), aws.ToString(first.RecordDetail.RecordId))
	}
	if again.RecordDetail.Status != types.RecordStatusInProgress {
		t.Errorf("replayed record status = %s, want IN_PROGRESS", again.RecordDetail.Status)
	}
	if n := len(e.cat.ProvisionedProducts(member, "us-east-1", e.clock.Now())); n != 1 {
		t.Errorf("%d provisioned products after a replay, want 1", n)
	}

	_, err = sc.ProvisionProduct(ctx, vpcInput("vpc", "run2"))
	wantAPIError[*types.InvalidParametersException](t, err, "A stack named vpc already exists.")

	// A token reused for another product is a caller bug, not a replay.
	_, err = sc.ProvisionProduct(ctx, vpcInput("vpc-2", "run1"))
	wantAPIError[*types.InvalidParametersException](t, err, "ProvisionToken run1 was already used to provision vpc")

	// The name is per account and region.
	if _, err := sc.ProvisionProduct(ctx, vpcInput("vpc", "run2"), func(o *servicecatalog.Options) { o.Region = "us-west-2" }); err == nil {
		t.Errorf("provisioning in us-west-2 without accepting its share succeeded")
	}
	e.onboard("member", "us-west-2", "port-uw2main")
	if _, err := sc.ProvisionProduct(ctx, vpcInput("vpc", "run2"), func(o *servicecatalog.Options) { o.Region = "us-west-2" }); err != nil {
		t.Errorf("same name in us-west-2: %v", err)
	}
	e.onboard("member3", "us-east-1", "port-ue1main")
	if _, err := e.client("member3", "us-east-1").ProvisionProduct(ctx, vpcInput("vpc", "run1")); err != nil {
		t.Errorf("same name and token in another account: %v", err)
	}
	if n := len(e.cat.ProvisionedProducts(member, "us-east-1", e.clock.Now())); n != 1 {
		t.Errorf("%d provisioned products in 222222222222/us-east-1, want 1", n)
	}
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member", "us-east-1", "port-ue1main")
	sc := e.client("member", "us-east-1")
	in := vpcInput("vpc", "run1")
	in.ProvisioningArtifactName = aws.String("v1.1")
	out, err := sc.ProvisionProduct(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	ppID := aws.ToString(out.RecordDetail.ProvisionedProductId)
	update := func(token string, modify func(*servicecatalog.UpdateProvisionedProductInput)) (*servicecatalog.UpdateProvisionedProductOutput, error) {
		in := &servicecatalog.UpdateProvisionedProductInput{ProvisionedProductId: aws.String(ppID), UpdateToken: aws.String(token)}
		if modify != nil {
			modify(in)
		}
		return sc.UpdateProvisionedProduct(ctx, in)
	}

	// Busy products cannot be updated. The SDK's error list for this
	// operation has no InvalidStateException: AWS says InvalidParameters.
	_, err = update("u0", nil)
	wantCode(t, err, "InvalidParametersException", "UNDER_CHANGE")
	e.clock.Advance(3 * time.Minute)

	_, err = update("u1", func(in *servicecatalog.UpdateProvisionedProductInput) {
		in.ProvisioningArtifactName = aws.String("v1.0")
	})
	wantAPIError[*types.InvalidParametersException](t, err, "DEPRECATED")
	_, err = update("u1", func(in *servicecatalog.UpdateProvisionedProductInput) { in.ProductId = aws.String("prod-ue1audit") })
	wantAPIError[*types.InvalidParametersException](t, err, "another product")
	_, err = update("u1", func(in *servicecatalog.UpdateProvisionedProductInput) {
		in.ProvisionedProductId = aws.String("pp-nope")
	})
	wantAPIError[*types.ResourceNotFoundException](t, err, "pp-nope")
	_, err = update("u1", func(in *servicecatalog.UpdateProvisionedProductInput) {
		in.ProvisioningParameters = []types.UpdateProvisioningParameter{{Key: aws.String("Environment"), Value: aws.String("qa")}}
	})
	wantAPIError[*types.InvalidParametersException](t, err, "Parameter 'Environment' must be one of AllowedValues")

	// Move to v2.0, keeping VpcCidr explicitly and AccountName implicitly.
	up, err := update("u1", func(in *servicecatalog.UpdateProvisionedProductInput) {
		in.ProvisioningArtifactName = aws.String("v2.0")
		in.ProvisioningParameters = []types.UpdateProvisioningParameter{
			{Key: aws.String("VpcCidr"), UsePreviousValue: true},
			{Key: aws.String("Environment"), Value: aws.String("prod")},
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	upRec := aws.ToString(up.RecordDetail.RecordId)
	if aws.ToString(up.RecordDetail.RecordType) != "UPDATE_PROVISIONED_PRODUCT" {
		t.Errorf("RecordType = %s", aws.ToString(up.RecordDetail.RecordType))
	}
	again, err := update("u1", nil)
	if err != nil || aws.ToString(again.RecordDetail.RecordId) != upRec {
		t.Errorf("replayed update = %v, %v; want record %s", again, err, upRec)
	}
	e.clock.Advance(time.Minute)
	if pp := ppStatus(t, sc, ppID); pp.Status != types.ProvisionedProductStatusUnderChange || aws.ToString(pp.ProvisioningArtifactId) != "pa-ue1vpc11" {
		t.Errorf("during update: %s on %s", pp.Status, aws.ToString(pp.ProvisioningArtifactId))
	}
	e.clock.Advance(2 * time.Minute)
	pp := ppStatus(t, sc, ppID)
	if pp.Status != types.ProvisionedProductStatusAvailable || aws.ToString(pp.ProvisioningArtifactId) != "pa-ue1vpc20" ||
		aws.ToString(pp.LastSuccessfulProvisioningRecordId) != upRec || aws.ToString(pp.LastRecordId) != upRec {
		t.Errorf("after update: %+v", pp)
	}
	v := e.cat.ProvisionedProducts(member, "us-east-1", e.clock.Now())[0]
	if v.Parameters["VpcCidr"] != "10.1.0.0/16" || v.Parameters["Environment"] != "prod" || v.Parameters["AccountName"] != "LifeCycle1" {
		t.Errorf("parameters after update = %v", v.Parameters)
	}
	// Naming the current version is a parameter-only update.
	if _, err := update("u2", func(in *servicecatalog.UpdateProvisionedProductInput) {
		in.ProvisioningArtifactId = aws.String("pa-ue1vpc20")
		in.ProvisioningParameters = []types.UpdateProvisioningParameter{{Key: aws.String("Environment"), Value: aws.String("staging")}}
	}); err != nil {
		t.Fatalf("update staying on the same version: %v", err)
	}
	e.clock.Advance(3 * time.Minute)
	if v := e.cat.ProvisionedProducts(member, "us-east-1", e.clock.Now())[0]; v.Parameters["Environment"] != "staging" || v.ArtifactID != "pa-ue1vpc20" {
		t.Errorf("after parameter-only update: %s on %s", v.Parameters["Environment"], v.ArtifactID)
	}
}

func TestUpdateFailureTaints(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member", "us-east-1", "port-ue1main")
	sc := e.client("member", "us-east-1")
	out, err := sc.ProvisionProduct(ctx, &servicecatalog.ProvisionProductInput{
		ProductName: aws.String("security-audit"), ProvisioningArtifactName: aws.String("2024.06"),
		ProvisionedProductName: aws.String("audit"), ProvisionToken: aws.String("t1"),
		ProvisioningParameters: params("AuditAccountId", "555555555555"),
	})
	if err != nil {
		t.Fatal(err)
	}
	ppID := aws.ToString(out.RecordDetail.ProvisionedProductId)
	firstRec := aws.ToString(out.RecordDetail.RecordId)
	e.clock.Advance(5 * time.Minute)
	up, err := sc.UpdateProvisionedProduct(ctx, &servicecatalog.UpdateProvisionedProductInput{
		ProvisionedProductName: aws.String("audit"), UpdateToken: aws.String("u1"), ProvisioningArtifactName: aws.String("broken"),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	rec := recordStatus(t, sc, aws.ToString(up.RecordDetail.RecordId))
	if rec.RecordDetail.Status != types.RecordStatusFailed || aws.ToString(rec.RecordDetail.RecordErrors[0].Code) != "UPDATE_FAILED" {
		t.Errorf("update record = %+v", rec.RecordDetail)
	}
	pp := ppStatus(t, sc, ppID)
	if pp.Status != types.ProvisionedProductStatusTainted || aws.ToString(pp.ProvisioningArtifactId) != "pa-ue1audit2406" ||
		aws.ToString(pp.StatusMessage) != "Trail limit exceeded" || aws.ToString(pp.LastSuccessfulProvisioningRecordId) != firstRec {
		t.Errorf("tainted product = %+v", pp)
	}
	// A tainted product can be updated again.
	if _, err := sc.UpdateProvisionedProduct(ctx, &servicecatalog.UpdateProvisionedProductInput{
		ProvisionedProductId: aws.String(ppID), UpdateToken: aws.String("u2"), ProvisioningArtifactName: aws.String("2025.01"),
	}); err != nil {
		t.Fatalf("update of a tainted product: %v", err)
	}
	e.clock.Advance(5 * time.Minute)
	if pp := ppStatus(t, sc, ppID); pp.Status != types.ProvisionedProductStatusAvailable {
		t.Errorf("after fixing update: %s", pp.Status)
	}
}

func TestTerminate(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	sc, out := e.provisionVPC()
	ppID := aws.ToString(out.RecordDetail.ProvisionedProductId)
	terminate := func(token string) (*servicecatalog.TerminateProvisionedProductOutput, error) {
		return sc.TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{
			ProvisionedProductName: aws.String("vpc"), TerminateToken: aws.String(token),
		})
	}
	_, err := terminate("t1")
	wantCode(t, err, "InvalidParametersException", "UNDER_CHANGE")
	e.clock.Advance(3 * time.Minute)

	term, err := terminate("t1")
	if err != nil {
		t.Fatal(err)
	}
	termRec := aws.ToString(term.RecordDetail.RecordId)
	if aws.ToString(term.RecordDetail.RecordType) != "TERMINATE_PROVISIONED_PRODUCT" {
		t.Errorf("RecordType = %s", aws.ToString(term.RecordDetail.RecordType))
	}
	if again, err := terminate("t1"); err != nil || aws.ToString(again.RecordDetail.RecordId) != termRec {
		t.Errorf("replayed terminate = %v, %v", again, err)
	}
	_, err = terminate("t2")
	wantCode(t, err, "InvalidParametersException")
	if pp := ppStatus(t, sc, ppID); pp.Status != types.ProvisionedProductStatusUnderChange || aws.ToString(pp.LastRecordId) != termRec ||
		aws.ToString(pp.LastProvisioningRecordId) != aws.ToString(out.RecordDetail.RecordId) {
		t.Errorf("terminating product = %+v", pp)
	}
	// The name stays taken while the stack is being deleted.
	_, err = sc.ProvisionProduct(ctx, vpcInput("vpc", "run2"))
	wantAPIError[*types.InvalidParametersException](t, err, "already exists")

	e.clock.Advance(time.Minute)
	_, err = sc.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Id: aws.String(ppID)})
	wantAPIError[*types.ResourceNotFoundException](t, err, ppID)
	_, err = terminate("t1")
	wantAPIError[*types.ResourceNotFoundException](t, err)
	if st := recordStatus(t, sc, termRec).RecordDetail.Status; st != types.RecordStatusSucceeded {
		t.Errorf("terminate record = %s", st)
	}
	if n := len(e.cat.ProvisionedProducts(member, "us-east-1", e.clock.Now())); n != 0 {
		t.Errorf("%d products after termination", n)
	}
	// The name is free again.
	if _, err := sc.ProvisionProduct(ctx, vpcInput("vpc", "run2")); err != nil {
		t.Errorf("reusing the name after termination: %v", err)
	}

	hist, err := sc.ListRecordHistory(ctx, &servicecatalog.ListRecordHistoryInput{
		SearchFilter: &types.ListRecordHistorySearchFilter{Key: aws.String("provisionedproduct"), Value: aws.String(ppID)},
	})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range hist.RecordDetails {
		kinds = append(kinds, aws.ToString(r.RecordType))
	}
	if fmt.Sprint(kinds) != "[TERMINATE_PROVISIONED_PRODUCT PROVISION_PRODUCT]" {
		t.Errorf("ListRecordHistory = %v", kinds)
	}
}

func TestProvisionedProductQueries(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member", "us-east-1", "port-ue1main")
	run1 := e.client("member", "us-east-1")
	run2 := e.client("member-run2", "us-east-1")
	if _, err := run1.ProvisionProduct(ctx, vpcInput("vpc", "run1-vpc")); err != nil {
		t.Fatal(err)
	}
	if _, err := run2.ProvisionProduct(ctx, &servicecatalog.ProvisionProductInput{
		ProductName: aws.String("security-audit"), ProvisioningArtifactName: aws.String("2025.01"),
		ProvisionedProductName: aws.String("audit"), ProvisionToken: aws.String("run2-audit"),
		ProvisioningParameters: params("AuditAccountId", "555555555555"),
		Tags:                   []types.Tag{{Key: aws.String("team"), Value: aws.String("security")}},
	}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(4 * time.Minute)

	search := func(in *servicecatalog.SearchProvisionedProductsInput) []string {
		t.Helper()
		out, err := run1.SearchProvisionedProducts(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range out.ProvisionedProducts {
			names = append(names, aws.ToString(p.Name))
		}
		if int(out.TotalResultsCount) < len(names) {
			t.Errorf("TotalResultsCount %d < %d results", out.TotalResultsCount, len(names))
		}
		return names
	}
	q := func(terms ...string) *servicecatalog.SearchProvisionedProductsInput {
		return &servicecatalog.SearchProvisionedProductsInput{Filters: map[string][]string{"SearchQuery": terms}}
	}
	tests := []struct {
		name string
		in   *servicecatalog.SearchProvisionedProductsInput
		want string
	}{
		{"all in the account", &servicecatalog.SearchProvisionedProductsInput{}, "[vpc audit]"},
		{"by name", q("name:audit"), "[audit]"},
		{"by status", q("status:AVAILABLE"), "[vpc]"},
		{"by status, still running", q("status:under_change"), "[audit]"},
		{"by product name", q("productName:baseline-vpc"), "[vpc]"},
		{"by version name", q("provisioningArtifactName:2025.01"), "[audit]"},
		{"by tag", q("tags:team=security"), "[audit]"},
		{"terms combine", q("name:vpc", "status:UNDER_CHANGE"), "[]"},
		{"free text", q("audi"), "[audit]"},
		{"sorted by name", &servicecatalog.SearchProvisionedProductsInput{SortBy: aws.String("name")}, "[audit vpc]"},
		{"own session only", &servicecatalog.SearchProvisionedProductsInput{AccessLevelFilter: &types.AccessLevelFilter{Key: types.AccessLevelFilterKeyUser, Value: aws.String("self")}}, "[vpc]"},
		{"own role", &servicecatalog.SearchProvisionedProductsInput{AccessLevelFilter: &types.AccessLevelFilter{Key: types.AccessLevelFilterKeyRole, Value: aws.String("self")}}, "[vpc audit]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(search(tt.in)); got != tt.want {
				t.Errorf("SearchProvisionedProducts = %s, want %s", got, tt.want)
			}
		})
	}
	_, err := run1.SearchProvisionedProducts(ctx, q("color:red"))
	wantAPIError[*types.InvalidParametersException](t, err, `"color"`)

	out, err := run1.SearchProvisionedProducts(ctx, q("name:audit"))
	if err != nil {
		t.Fatal(err)
	}
	a := out.ProvisionedProducts[0]
	if aws.ToString(a.ProductName) != "security-audit" || aws.ToString(a.ProvisioningArtifactName) != "2025.01" || len(a.Tags) != 1 ||
		aws.ToString(a.UserArn) != cteARN || !strings.Contains(aws.ToString(a.UserArnSession), "landfall-run-2") ||
		!strings.HasPrefix(aws.ToString(a.PhysicalId), "arn:aws:cloudformation:us-east-1:222222222222:stack/SC-222222222222-pp-") {
		t.Errorf("ProvisionedProductAttribute = %+v", a)
	}

	// Scan and record history default to the caller's own session.
	scan, err := run1.ScanProvisionedProducts(ctx, &servicecatalog.ScanProvisionedProductsInput{})
	if err != nil || len(scan.ProvisionedProducts) != 1 {
		t.Errorf("ScanProvisionedProducts = %d products, %v; want 1", len(scan.ProvisionedProducts), err)
	}
	scan, err = run1.ScanProvisionedProducts(ctx, &servicecatalog.ScanProvisionedProductsInput{
		AccessLevelFilter: &types.AccessLevelFilter{Key: types.AccessLevelFilterKeyAccount, Value: aws.String("self")},
	})
	if err != nil || len(scan.ProvisionedProducts) != 2 {
		t.Errorf("ScanProvisionedProducts(Account) = %d products, %v; want 2", len(scan.ProvisionedProducts), err)
	}
	hist, err := run2.ListRecordHistory(ctx, &servicecatalog.ListRecordHistoryInput{})
	if err != nil || len(hist.RecordDetails) != 1 {
		t.Errorf("ListRecordHistory = %d records, %v; want 1", len(hist.RecordDetails), err)
	}
}

func TestIsolation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	_, out := e.provisionVPC()
	ppID, recID := aws.ToString(out.RecordDetail.ProvisionedProductId), aws.ToString(out.RecordDetail.RecordId)
	for _, c := range []struct{ key, region string }{{"member", "us-west-2"}, {"member3", "us-east-1"}, {"mgmt", "us-east-1"}} {
		t.Run(c.key+"/"+c.region, func(t *testing.T) {
			sc := e.client(c.key, c.region)
			_, err := sc.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Id: aws.String(ppID)})
			wantAPIError[*types.ResourceNotFoundException](t, err)
			_, err = sc.DescribeRecord(ctx, &servicecatalog.DescribeRecordInput{Id: aws.String(recID)})
			wantAPIError[*types.ResourceNotFoundException](t, err)
			_, err = sc.TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{ProvisionedProductId: aws.String(ppID), TerminateToken: aws.String("x")})
			wantAPIError[*types.ResourceNotFoundException](t, err)
			s, err := sc.SearchProvisionedProducts(ctx, &servicecatalog.SearchProvisionedProductsInput{})
			if err != nil || len(s.ProvisionedProducts) != 0 {
				t.Errorf("SearchProvisionedProducts = %v, %v", s, err)
			}
		})
	}
}

func TestDeterministicIDs(t *testing.T) {
	var ids [2]string
	for i := range ids {
		_, out := newEnv(t, testSpec(), catalog.Options{}).provisionVPC()
		ids[i] = aws.ToString(out.RecordDetail.ProvisionedProductId) + " " + aws.ToString(out.RecordDetail.RecordId)
	}
	if ids[0] != ids[1] {
		t.Errorf("IDs differ between identical runs: %q vs %q", ids[0], ids[1])
	}
}
