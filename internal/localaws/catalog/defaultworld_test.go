package catalog_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"go.yaml.in/yaml/v3"

	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// defaultWorld decodes the catalog and organization sections of the
// emulator's default world file, strictly, as the world loader does.
func defaultWorld(t *testing.T) (catalog.Spec, org.Spec, time.Time) {
	t.Helper()
	src, err := os.ReadFile("../defaultworld.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var sections map[string]yaml.Node
	if err := yaml.Unmarshal(src, &sections); err != nil {
		t.Fatalf("defaultworld.yaml: %v", err)
	}
	strict := func(key string, out any) {
		t.Helper()
		node := sections[key]
		b, err := yaml.Marshal(&node)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(out); err != nil {
			t.Fatalf("defaultworld.yaml %s: %v", key, err)
		}
	}
	var spec catalog.Spec
	var orgSpec org.Spec
	var start time.Time
	strict("catalog", &spec)
	strict("organization", &orgSpec)
	strict("start", &start)
	return spec, orgSpec, start
}

func TestDefaultWorldCatalog(t *testing.T) {
	spec, _, start := defaultWorld(t)
	if err := spec.Validate(); err != nil {
		t.Fatalf("catalog: %v", err)
	}
	regionIDs := map[string]string{"us-east-1": "ue1", "us-west-2": "uw2", "us-west-1": "uw1", "eu-west-1": "ew1"}
	if len(spec.Regions) != len(regionIDs) {
		t.Fatalf("%d regions, want %d", len(spec.Regions), len(regionIDs))
	}
	for _, r := range spec.Regions {
		short, ok := regionIDs[r.Region]
		if !ok {
			t.Errorf("unexpected region %s", r.Region)
			continue
		}
		if len(r.Portfolios) != 1 {
			t.Fatalf("%s: %d portfolios, want 1", r.Region, len(r.Portfolios))
		}
		p := r.Portfolios[0]
		if p.ID != "port-"+short+"baseline0" || p.Name != "Landfall Baseline" || p.Owner != "" || fmt.Sprint(p.Shares) != "[organization]" {
			t.Errorf("%s portfolio = %+v", r.Region, p)
		}
		got := map[string]string{}
		for _, prod := range r.Products {
			var versions []string
			for _, a := range prod.Artifacts {
				state := a.Guidance
				if a.Active != nil && !*a.Active {
					state = "inactive"
				}
				versions = append(versions, fmt.Sprintf("%s:%s:%s", a.Name, state, a.Provisioning.Duration))
				if !a.Created.Before(start) {
					t.Errorf("%s %s %s created %s, not before the world's start %s", r.Region, prod.Name, a.Name, a.Created, start)
				}
			}
			got[prod.Name] = fmt.Sprint(versions)
		}
		want := map[string]string{
			"baseline-vpc":   "[v1.0:DEPRECATED:3m0s v1.1:DEFAULT:3m0s v2.0:DEFAULT:3m0s]",
			"security-audit": "[2023.01:inactive:5m0s 2024.06:DEFAULT:5m0s 2025.01:DEFAULT:5m0s]",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s products:\n got %v\nwant %v", r.Region, got, want)
		}
	}
}

// TestDefaultWorldProvisioning runs the worker's path through the default
// world with the real organization model: accept, associate, find the newest
// version, provision, wait.
func TestDefaultWorldProvisioning(t *testing.T) {
	ctx := context.Background()
	spec, orgSpec, start := defaultWorld(t)
	o, err := org.New(orgSpec, start)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.New(spec, o, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(start)
	srv := wire.NewServer(wire.ServerOptions{
		Services: []wire.Service{cat},
		Clock:    clk,
		Auth: wire.AuthFunc(func(string, time.Time) (wire.Caller, error) {
			return wire.Caller{
				Account: "624281831893", ARN: "arn:aws:sts::624281831893:assumed-role/AWSControlTowerExecution/landfall",
				RoleARN: "arn:aws:iam::624281831893:role/AWSControlTowerExecution", RoleName: cte, SessionName: "landfall",
			}, nil
		}),
	})
	for _, region := range []string{"us-east-1", "us-west-2", "us-west-1"} {
		t.Run(region, func(t *testing.T) {
			e := &env{t: t, cat: cat, srv: srv, clock: clk}
			short := map[string]string{"us-east-1": "ue1", "us-west-2": "uw2", "us-west-1": "uw1"}[region]
			e.onboard("lifecycle3", region, "port-"+short+"baseline0")
			sc := e.client("lifecycle3", region)
			d, err := sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Name: aws.String("security-audit")})
			if err != nil {
				t.Fatal(err)
			}
			var latest types.ProvisioningArtifact
			for _, a := range d.ProvisioningArtifacts {
				if a.Guidance == types.ProvisioningArtifactGuidanceDefault && aws.ToTime(a.CreatedTime).After(aws.ToTime(latest.CreatedTime)) {
					latest = a
				}
			}
			if aws.ToString(latest.Name) != "2025.01" {
				t.Fatalf("latest security-audit = %q, want 2025.01", aws.ToString(latest.Name))
			}
			out, err := sc.ProvisionProduct(ctx, &servicecatalog.ProvisionProductInput{
				ProductId: d.ProductViewSummary.ProductId, ProvisioningArtifactId: latest.Id,
				ProvisionedProductName: aws.String("landfall-security-audit"), ProvisionToken: aws.String("run1-" + short),
				ProvisioningParameters: params("AuditAccountId", "555555555555"),
			})
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(5 * time.Minute)
			rec := recordStatus(t, sc, aws.ToString(out.RecordDetail.RecordId))
			if rec.RecordDetail.Status != types.RecordStatusSucceeded {
				t.Fatalf("record = %s", rec.RecordDetail.Status)
			}
			outputs := map[string]string{}
			for _, o := range rec.RecordOutputs {
				outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
			}
			if want := "arn:aws:cloudtrail:" + region + ":624281831893:trail/landfall-audit"; outputs["TrailArn"] != want {
				t.Errorf("TrailArn = %q, want %q", outputs["TrailArn"], want)
			}
		})
	}
	if n := len(cat.AllProvisionedProducts(clk.Now())); n != 3 {
		t.Errorf("%d provisioned products, want 3", n)
	}
}
