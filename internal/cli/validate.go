package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/preflight"
)

const validateExamples = `  landfall validate internal/plan/example.yaml
  landfall validate --org plan.yaml                            # also against the organization and catalogs
  # Against the local AWS (landfall local serve):
  AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 landfall validate --org plan.yaml

Without --org the plan file alone is checked, offline. With --org it is also
checked against the real organization and the Service Catalog of every plan
region, as the launch function checks it before acting: every OU and account
a selector names exists; every portfolio exists in its region and is shared
with the organization; every product is in its portfolio; every pinned
version exists, is active and is not deprecated; every parameter the plan
sets is declared by the version a run would launch, and every one it
requires is set. It runs with the management account's credentials
(standard AWS credential chain, AWS_REGION = the Control Tower home region)
and only reads.

Exit status: 0 when the plan is valid (notes may still be printed), 1 when
it has problems or could not be checked, 2 for usage errors.`

func runValidate(ctx context.Context, args []string, s Streams) error {
	fs := newFlags("validate", "[--org] PLAN", validateExamples, s)
	org := fs.Bool("org", false, "also check the plan against the organization and the Service Catalog of every plan region (management account credentials)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return &exitError{2, errors.New("name exactly one plan file")}
	}
	pl, err := plan.Load(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "%s: valid: %d products in %d regions, execution role %s, maximum run age %s\n",
		fs.Arg(0), len(pl.Products), len(pl.Regions), pl.ExecutionRoleName, pl.MaxRunAge)
	if !*org {
		return nil
	}
	return validateOrg(ctx, fs.Arg(0), pl, s)
}

// validateOrg runs the preflight the launch function runs: selectors against
// the organization, products against the catalogs.
func validateOrg(ctx context.Context, file string, pl *plan.Plan, s Streams) error {
	cfg, err := awsConfig(ctx)
	if err != nil {
		return err
	}
	orgs := organizations.NewFromConfig(cfg)
	orgID, err := organizationID(ctx, orgs)
	if err != nil {
		return err
	}
	// Run by hand, once: reading every account's tags for the tags clauses'
	// notes is affordable here (the launch function's preflight does not;
	// see OrgIndex.Tags).
	checker := &preflight.Checker{
		Plan:    pl,
		Org:     &preflight.OrgIndex{API: orgs, Tags: directory.TagReader{API: orgs}},
		Catalog: &preflight.CatalogCheck{Plan: pl, Catalogs: preflight.NewCatalogs(cfg)},
	}
	rep, err := checker.Check(ctx)
	if err != nil {
		return fmt.Errorf("could not check the plan against the organization and catalogs (try again): %w", err)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(s.Err, "note: %s\n", n)
	}
	if err := rep.Err(); err != nil {
		return err
	}
	n := len(plannedRegions(pl))
	regions := "regions"
	if n == 1 {
		regions = "region"
	}
	fmt.Fprintf(s.Out, "%s: valid against organization %s and the catalogs of %d %s\n", file, orgID, n, regions)
	return nil
}

// organizationID asks Organizations which organization the credentials
// belong to.
func organizationID(ctx context.Context, orgs *organizations.Client) (string, error) {
	out, err := orgs.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return "", fmt.Errorf("describe organization (run with the management account's credentials): %w", err)
	}
	if out.Organization == nil || aws.ToString(out.Organization.Id) == "" {
		return "", errors.New("describe organization: no organization in the answer")
	}
	return aws.ToString(out.Organization.Id), nil
}

// plannedRegions lists the plan's regions that some product is provisioned in.
func plannedRegions(pl *plan.Plan) []string {
	var out []string
	for _, r := range pl.Regions {
		for _, p := range pl.Products {
			if slices.Contains(p.Regions, r) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}
