package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/plan"
)

const planExamples = `  # Offline, from the plan alone: say where the account sits.
  landfall plan --account 222222222222 --name LifeCycle1 --ou ou-ab12-l3zc8b3h --ou-name Custom plan.yaml
  landfall plan --account 666666666666 --ou ou-ab12-pr0dw0rk --ou-name Prod --ancestors ou-ab12-w0rkl0ad=Workloads
  landfall plan --account 666666666666 --ou ou-ab12-pr0dw0rk --ou-name Prod --tag environment=prod --tag cost-center=4100
  # Looked up in Organizations (management account credentials; AWS_ENDPOINT_URL for the local AWS):
  landfall plan --account 222222222222 --plan plan.yaml --region us-west-1 --json`

var (
	accountIDFlag = regexp.MustCompile(`^[0-9]{12}$`)
	ouIDFlag      = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
	rootIDFlag    = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
)

// planTarget is one target of `landfall plan`, with its rendered values.
type planTarget struct {
	Region                 string            `json:"region"`
	Product                string            `json:"product"`
	ProductName            string            `json:"productName"`
	Version                string            `json:"version"`
	Portfolio              string            `json:"portfolio"`
	ProvisionedProductName string            `json:"provisionedProductName"`
	Parameters             map[string]string `json:"parameters,omitempty"`
	Tags                   map[string]string `json:"tags,omitempty"`
	// Error is why the parameters or tags cannot be rendered for this account.
	Error string `json:"error,omitempty"`
}

// planExclusion is a product (or the whole account) the plan leaves out.
type planExclusion struct {
	Product string `json:"product,omitempty"`
	Region  string `json:"region,omitempty"`
	Reason  string `json:"reason"`
}

// planAnswer is the JSON form of `landfall plan`.
type planAnswer struct {
	Plan string `json:"plan"`
	// Source says where the account's details came from: "command line" or "organizations".
	Source   string          `json:"source"`
	Account  plan.Account    `json:"account"`
	Selected bool            `json:"selected"`
	Reason   string          `json:"reason"`
	Targets  []planTarget    `json:"targets"`
	Excluded []planExclusion `json:"excluded,omitempty"`
}

func runPlan(ctx context.Context, args []string, s Streams) error {
	fs := newFlags("plan", "--account ID [--ou OU-ID [--ou-name NAME] [--ancestors OU,...] [--name NAME] [--email EMAIL] [--management]] [--region R,...] [--product KEY,...] [--json] [--plan FILE | PLAN]", planExamples, s)
	account := fs.String("account", "", "the account's 12-digit ID (required)")
	ou := fs.String("ou", "", "the account's parent OU ID (or the root ID): answer offline from the plan alone, without calling AWS")
	ouName := fs.String("ou-name", "", "offline: the parent OU's name (plan selectors often name OUs)")
	var ancestors listFlag
	fs.Var(&ancestors, "ancestors", "offline: the OUs above the parent OU, nearest first, each ID, ID=Name or Name (comma-separated or repeated)")
	name := fs.String("name", "", "offline: the account's name (templates and accountNames selectors use it)")
	email := fs.String("email", "", "offline: the account's email")
	management := fs.Bool("management", false, "offline: the account is the organization's management account")
	var tagFlags listFlag
	fs.Var(&tagFlags, "tag", "offline: one of the account's Organizations tags, KEY=VALUE (comma-separated or repeated); tags selectors and .Account.Tags use them")
	var regions, products listFlag
	fs.Var(&regions, "region", "only these plan regions (comma-separated or repeated)")
	fs.Var(&products, "product", "only these plan product keys (comma-separated or repeated)")
	planFile := fs.String("plan", "", "plan file (default: $"+config.EnvPlanFile+", else the embedded example plan); also accepted as the argument")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 1 || (len(rest) == 1 && *planFile != "") {
		fs.Usage()
		return &exitError{2, errors.New("name the plan once: either --plan FILE or one PLAN argument")}
	}
	if len(rest) == 1 {
		*planFile = rest[0]
	}

	pl, err := planFromFlag(*planFile, s)
	if err != nil {
		return err
	}
	filter := plan.Filter{Regions: regions, Products: products}

	offline := *ou != ""
	var problems []error
	switch {
	case *account == "":
		problems = append(problems, errors.New(`--account: missing; give the account's 12-digit ID, such as --account 222222222222`))
	case !accountIDFlag.MatchString(*account):
		problems = append(problems, fmt.Errorf("--account: %q is not a 12-digit account ID", *account))
	}
	if offline && !ouIDFlag.MatchString(*ou) && !rootIDFlag.MatchString(*ou) {
		problems = append(problems, fmt.Errorf(`--ou: %q is not an OU ID ("ou-ab12-l3zc8b3h") or the root's ID ("r-ab12")`, *ou))
	}
	if offline && rootIDFlag.MatchString(*ou) && (len(ancestors) > 0 || *ouName != "") {
		problems = append(problems, fmt.Errorf("--ancestors, --ou-name: the account is directly under the root %s, which has neither", *ou))
	}
	if !offline {
		for _, f := range []struct {
			flag  string
			given bool
		}{{"--ou-name", *ouName != ""}, {"--ancestors", len(ancestors) > 0}, {"--name", *name != ""}, {"--email", *email != ""}, {"--management", *management}, {"--tag", len(tagFlags) > 0}} {
			if f.given {
				problems = append(problems, fmt.Errorf("%s: describes the account offline, so it needs --ou; without --ou the account is looked up in Organizations", f.flag))
			}
		}
	}
	tags, tagProblems := parseTagFlags(tagFlags)
	problems = append(problems, tagProblems...)
	var chain []plan.OU
	for _, a := range ancestors {
		o, err := parseOU(a)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		chain = append(chain, o)
	}
	if err := pl.CheckFilter(filter); err != nil {
		problems = append(problems, filterFlagError(err, "--region", "--product"))
	}
	if len(problems) > 0 {
		return &exitError{2, errors.Join(problems...)}
	}

	var acct plan.Account
	source := "command line"
	if offline {
		acct = plan.Account{ID: *account, Name: *name, Email: *email, OU: plan.OU{ID: *ou, Name: *ouName}, Management: *management}
		if ouIDFlag.MatchString(*ou) {
			acct.Ancestors = append([]plan.OU{acct.OU}, chain...)
		}
		if *ouName == "" && ouIDFlag.MatchString(*ou) {
			fmt.Fprintln(s.Err, "note: --ou-name not given: plan selectors that name OUs cannot match the parent OU")
		}
		// Described offline, the account has the tags given and no others.
		acct.Tags = tags
		if len(tags) == 0 && pl.NeedsTags() {
			fmt.Fprintln(s.Err, "note: --tag not given: the account is taken to have no tags, so tags selectors cannot match it and .Account.Tags is empty")
		}
		if *name == "" {
			fmt.Fprintln(s.Err, "note: --name not given: templates using .Account.Name render empty, and accountNames selectors cannot match")
		}
	} else {
		source = "organizations"
		if acct, err = lookUpAccount(ctx, pl, *account); err != nil {
			return err
		}
	}

	ans := planFor(pl, acct, filter)
	ans.Source = source
	if *asJSON {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ans); err != nil {
			return fmt.Errorf("write plan: %w", err)
		}
	} else if err := writePlan(s.Out, ans); err != nil {
		return err
	}
	var broken []string
	for _, t := range ans.Targets {
		if t.Error != "" {
			broken = append(broken, t.Region+"/"+t.Product)
		}
	}
	if len(broken) > 0 {
		return fmt.Errorf("the plan's templates fail for this account in %s; fix the plan (see above)", strings.Join(broken, ", "))
	}
	return nil
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("landfall plan plan.yaml --account ID"), which the
// flag package alone stops at, and returns the positional ones. A lone "-"
// (standard input) is positional; "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if consumed := len(args) - len(left); consumed > 0 && args[consumed-1] == "--" {
			return append(rest, left...), nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// parseTagFlags reads --tag KEY=VALUE elements (the value may be empty; a
// key cannot hold "=" here).
func parseTagFlags(flags []string) (map[string]string, []error) {
	tags := map[string]string{}
	var problems []error
	for _, f := range flags {
		k, v, ok := strings.Cut(f, "=")
		prev, dup := tags[k]
		switch {
		case !ok || k == "":
			problems = append(problems, fmt.Errorf("--tag: %q is not KEY=VALUE, such as --tag environment=prod", f))
		case dup && prev != v:
			problems = append(problems, fmt.Errorf("--tag: %s is given twice (%q and %q); an account has one value per key", k, prev, v))
		default:
			tags[k] = v
		}
	}
	return tags, problems
}

// parseOU reads an --ancestors element: "ou-…", "ou-…=Name" or "Name".
func parseOU(v string) (plan.OU, error) {
	id, name, hasName := strings.Cut(v, "=")
	switch {
	case hasName && !ouIDFlag.MatchString(id):
		return plan.OU{}, fmt.Errorf("--ancestors: %q: before the = must be an OU ID such as ou-ab12-w0rkl0ad", v)
	case hasName && name == "":
		return plan.OU{}, fmt.Errorf("--ancestors: %q: the name after the = is empty; write ID=Name or just the ID", v)
	case hasName:
		return plan.OU{ID: id, Name: name}, nil
	case ouIDFlag.MatchString(v):
		return plan.OU{ID: v}, nil
	case rootIDFlag.MatchString(v):
		return plan.OU{}, fmt.Errorf("--ancestors: %q is the root; list only the OUs between the parent and the root", v)
	default:
		return plan.OU{Name: v}, nil
	}
}

// lookUpAccount finds the account, its OU chain, its tags when pl needs
// them, and whether it is the management account in Organizations.
func lookUpAccount(ctx context.Context, pl *plan.Plan, id string) (plan.Account, error) {
	cfg, err := awsConfig(ctx)
	if err != nil {
		return plan.Account{}, err
	}
	orgs := organizations.NewFromConfig(cfg)
	dir := directory.ForPlan(orgs, pl)
	a, err := dir.Account(ctx, id)
	if errors.Is(err, directory.ErrNotFound) {
		return plan.Account{}, fmt.Errorf("--account %s: not an account of this organization; check the ID, or describe the account offline with --ou", id)
	}
	if err != nil {
		return plan.Account{}, fmt.Errorf("look up account %s in Organizations (needs the management account's credentials; or answer offline with --ou): %w", id, err)
	}
	mgmt, err := managementAccount(ctx, orgs)
	if err != nil {
		return plan.Account{}, err
	}
	pa := a
	pa.Management = pa.ID == mgmt
	return pa, nil
}

// planFor answers what the plan gives acct.
func planFor(pl *plan.Plan, acct plan.Account, f plan.Filter) planAnswer {
	ans := planAnswer{Plan: pl.Label(), Account: acct, Targets: []planTarget{}}
	ans.Selected, ans.Reason = pl.Selects(acct)
	targets, excl, err := pl.Placements(acct, f)
	if err != nil {
		// The filter and the ID were checked already; keep the answer whole anyway.
		ans.Excluded = append(ans.Excluded, planExclusion{Reason: err.Error()})
		return ans
	}
	for _, e := range excl {
		if e.Product == "" || e.ByFilter {
			continue // the account as a whole (Selected and Reason say it), or the operator's own filter
		}
		ans.Excluded = append(ans.Excluded, planExclusion{Product: e.Product, Region: e.Region, Reason: e.Reason})
	}
	for _, t := range targets {
		pt := planTarget{
			Region: t.Region, Product: t.Product.Key, ProductName: t.Product.Product, Version: t.Product.Version,
			Portfolio: t.Portfolio, ProvisionedProductName: t.ProvisionedProductName,
		}
		params, tags, err := pl.Render(t, acct)
		if err != nil {
			pt.Error = err.Error()
		} else {
			pt.Parameters, pt.Tags = params, tags
		}
		ans.Targets = append(ans.Targets, pt)
	}
	return ans
}

func writePlan(w io.Writer, ans planAnswer) error {
	a := ans.Account
	label := a.Label()
	fmt.Fprintf(w, "Account %s", label)
	if a.OU.ID != "" {
		fmt.Fprintf(w, " in %s", ouLabel(a.OU))
	}
	for _, o := range a.Ancestors[min(1, len(a.Ancestors)):] {
		fmt.Fprintf(w, " < %s", ouLabel(o))
	}
	fmt.Fprintf(w, ", from the %s\n", ans.Source)
	if len(a.Tags) > 0 {
		var kv []string
		for _, k := range slices.Sorted(maps.Keys(a.Tags)) {
			kv = append(kv, fmt.Sprintf("%s=%q", k, a.Tags[k]))
		}
		fmt.Fprintf(w, "Tags %s\n", strings.Join(kv, ", "))
	}
	fmt.Fprintf(w, "Plan %s\n", ans.Plan)
	fmt.Fprintf(w, "%s\n", ans.Reason)
	if len(ans.Targets) > 0 {
		fmt.Fprintf(w, "\n%d target(s):\n", len(ans.Targets))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  REGION\tPRODUCT\tVERSION\tPORTFOLIO\tPROVISIONED PRODUCT")
		for _, t := range ans.Targets {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", t.Region, t.Product, t.Version, t.Portfolio, t.ProvisionedProductName)
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("write plan: %w", err)
		}
		for _, g := range renderGroups(ans.Targets) {
			t := g.target
			fmt.Fprintf(w, "\n  %s in %s (product %s):\n", t.Product, strings.Join(g.regions, ", "), t.ProductName)
			if t.Error != "" {
				fmt.Fprintf(w, "    cannot render: %s\n", strings.ReplaceAll(t.Error, "\n", "\n    "))
				continue
			}
			fmt.Fprintf(w, "    parameters: %s\n", pairs(t.Parameters))
			fmt.Fprintf(w, "    tags:       %s\n", pairs(t.Tags))
		}
	} else {
		fmt.Fprintln(w, "\nThe plan gives this account nothing.")
	}
	if len(ans.Excluded) > 0 {
		fmt.Fprintln(w, "\nExcluded:")
		for _, e := range ans.Excluded {
			where := "every region"
			if e.Region != "" {
				where = e.Region
			}
			fmt.Fprintf(w, "  %s (%s): %s\n", e.Product, where, e.Reason)
		}
	}
	return nil
}

// renderGroup is the targets of one product whose rendered values are the
// same, shown once with their regions.
type renderGroup struct {
	target  planTarget
	regions []string
}

// renderGroups groups targets by product and rendered values, in target order,
// so that a product rendered alike in every region is shown once.
func renderGroups(targets []planTarget) []renderGroup {
	var out []renderGroup
	for _, t := range targets {
		i := slices.IndexFunc(out, func(g renderGroup) bool {
			return g.target.Product == t.Product && g.target.Error == t.Error &&
				maps.Equal(g.target.Parameters, t.Parameters) && maps.Equal(g.target.Tags, t.Tags)
		})
		if i < 0 {
			out = append(out, renderGroup{target: t})
			i = len(out) - 1
		}
		out[i].regions = append(out[i].regions, t.Region)
	}
	return out
}

func ouLabel(o plan.OU) string {
	switch {
	case o.Name == "":
		return o.ID
	case o.ID == "":
		return o.Name
	}
	return o.Name + " (" + o.ID + ")"
}

// pairs renders a map as sorted key=value pairs.
func pairs(m map[string]string) string {
	if len(m) == 0 {
		return "-"
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return strings.Join(out, "  ")
}

// planFromFlag loads the plan named by --plan, else $LANDFALL_PLAN_FILE, else
// the embedded example plan (saying so, since it is rarely what is meant
// against a real organization).
func planFromFlag(path string, s Streams) (*plan.Plan, error) {
	if path == "" {
		path = strings.TrimSpace(os.Getenv(config.EnvPlanFile))
	}
	if path == "" {
		fmt.Fprintf(s.Err, "note: no --plan and no $%s: using the embedded example plan\n", config.EnvPlanFile)
		return plan.ExamplePlan()
	}
	return plan.Load(path)
}

// filterFlagError rewrites a plan filter's problems in terms of the flags
// that set the filter.
func filterFlagError(err error, regionsFlag, productsFlag string) error {
	var fe *plan.FilterError
	if !errors.As(err, &fe) {
		return err
	}
	var out []error
	for _, p := range fe.Problems {
		flag := p.Path
		switch {
		case strings.HasPrefix(p.Path, "filter.regions"):
			flag = regionsFlag
		case strings.HasPrefix(p.Path, "filter.products"):
			flag = productsFlag
		}
		out = append(out, fmt.Errorf("%s: %s", flag, p.Message))
	}
	return errors.Join(out...)
}
