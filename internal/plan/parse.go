package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/region"
)

var (
	planKeys = []string{
		"executionRoleName", "maxRunAge", "provisionedProductPrefix", "includeManagementAccount",
		"regions", "enableOptInRegions", "portfolios", "values", "tags", "include", "exclude", "updatePolicy", "retire", "notifications", "products",
	}
	productKeys = []string{
		"key", "product", "version", "regions", "portfolios", "parameters", "tags",
		"dependsOn", "updatePolicy", "retire", "include", "exclude", "expectedDuration",
	}
	selectorKeys = []string{"ous", "recursive", "accounts", "accountNames", "tags"}
)

// Tag limits enforced by Service Catalog (and most AWS resources).
const (
	maxTags        = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

// Parse validates a plan and returns it, or a *ValidationError listing every
// problem found. source names the plan in messages (usually its file path).
func Parse(data []byte, source string) (*Plan, error) {
	p := &parser{}
	pl := p.parse(data, source)
	if len(p.problems) > 0 {
		sortProblems(p.problems)
		return nil, &ValidationError{Source: source, Problems: p.problems}
	}
	return pl, nil
}

type parser struct {
	decoder
	pl      *Plan
	regions []string // plan regions as written (valid ones)
	// portfolioMentioned holds regions with a plan-level portfolio entry, valid or not.
	portfolioMentioned map[string]bool
	products           []*productSrc
}

// productSrc keeps a product's YAML nodes until the cross-product checks,
// which need them for line numbers.
type productSrc struct {
	p          *Product
	node       *yaml.Node
	path       string
	f          map[string]*yaml.Node
	dependsOn  []item
	portfolios []entry
	// portfolioMentioned holds regions with a portfolio entry, valid or not.
	portfolioMentioned map[string]bool
	params, tags       []entry
}

func (p *parser) parse(data []byte, source string) *Plan {
	sum := sha256.Sum256(data)
	pl := &Plan{
		Source:                   source,
		Hash:                     hex.EncodeToString(sum[:]),
		ExecutionRoleName:        DefaultExecutionRoleName,
		MaxRunAge:                DefaultMaxRunAge,
		ProvisionedProductPrefix: DefaultProvisionedProductPrefix,
		UpdatePolicy:             UpdateLeave,
		Retire:                   RetireRetain,
		Portfolios:               map[string]string{},
		Values:                   map[string]string{},
		Tags:                     map[string]string{},
		byKey:                    map[string]*Product{},
	}
	p.pl = pl
	if len(data) > maxPlanBytes {
		p.add(nil, "", "the plan is %d bytes; the limit is %d", len(data), maxPlanBytes)
		return nil
	}
	root, ok := p.document(data)
	if !ok {
		return nil
	}
	f := p.fields(root, "", planKeys)

	if n := f["executionRoleName"]; n != nil {
		if s, ok := p.str(n, "executionRoleName"); ok {
			if !awsid.IsRoleName(s) {
				p.add(n, "executionRoleName", "%q is not an IAM role name (1-64 letters, digits and +=,.@_-); leave it out for %s", s, DefaultExecutionRoleName)
			}
			pl.ExecutionRoleName = s
		}
	}
	if n := f["maxRunAge"]; n != nil {
		pl.MaxRunAge = p.duration(n, "maxRunAge")
	}
	if n := f["provisionedProductPrefix"]; n != nil {
		if s, ok := p.str(n, "provisionedProductPrefix"); ok {
			switch {
			case !rePrefix.MatchString(s):
				p.add(n, "provisionedProductPrefix", "%q cannot start a provisioned product name: use letters, digits and ._- and start with a letter or digit", s)
			case len(s) > 127:
				p.add(n, "provisionedProductPrefix", "is %d characters; provisioned product names (prefix + key) are limited to 128", len(s))
			}
			pl.ProvisionedProductPrefix = s
		}
	}
	if n := f["includeManagementAccount"]; n != nil {
		pl.IncludeManagementAccount, _ = p.boolean(n, "includeManagementAccount")
	}
	pl.Notifications = Notifications{UnchangedEventRuns: NotifySkip, Backfills: BackfillRollUp}
	if n := f["notifications"]; n != nil {
		pl.Notifications = p.notifications(n, "notifications")
	}

	// Portfolios first: with `regions: enabled` they name the candidate regions.
	portfolios, mentioned := p.portfolioMap(f["portfolios"], "portfolios")
	for _, e := range portfolios {
		pl.Portfolios[e.Key] = e.Value
	}
	p.portfolioMentioned = mentioned
	p.planRegions(f["regions"], f["enableOptInRegions"], portfolios) // regions.go
	pl.Regions = p.regions
	for _, e := range p.strMap(f["values"], "values") {
		if !reValueName.MatchString(e.Key) {
			p.add(e.KeyNode, join("values", e.Key), "value names must be letters, digits and _ and start with a letter, so that templates can use .Values.%s; rename it (for example %s)", e.Key, identifierize(e.Key))
			continue
		}
		pl.Values[e.Key] = e.Value
	}
	planTags := p.tagMap(f["tags"], "tags")
	for _, e := range planTags {
		pl.Tags[e.Key] = e.Value
	}
	if len(planTags) > maxTags-reservedTags {
		p.add(f["tags"], "tags", "%d tags; Service Catalog allows %d per provisioned product, and Landfall adds %s: remove some", len(planTags), maxTags, OwnerTagKey)
	}
	pl.Include = p.selector(f["include"], "include")
	pl.Exclude = p.selector(f["exclude"], "exclude")
	if n := f["updatePolicy"]; n != nil {
		pl.UpdatePolicy = p.updatePolicy(n, "updatePolicy")
	}
	if n := f["retire"]; n != nil {
		pl.Retire = p.retirePolicy(n, "retire")
	}

	if n := f["products"]; !isNull(n) {
		p.productList(n)
	} else {
		p.add(nil, "products", "missing; list at least one product (key, product, version, parameters)")
	}
	p.crossCheck()
	pl.tags = p.compileAll(planTags, "tags", pl.Regions, sampleProductKey)
	p.checkTemplates()
	return pl
}

// document parses the YAML and returns its root node. A plan is exactly one
// document: a second one after `---` would otherwise be silently ignored.
func (p *parser) document(data []byte) (root *yaml.Node, ok bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := safeDecode(dec, &doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.add(nil, "", "the plan is empty; it needs at least regions and products")
		} else {
			msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 0
			if m := reYAMLLine().FindStringSubmatch(msg); m != nil {
				line, _ = strconv.Atoi(m[1])
				msg = msg[len(m[0]):]
			}
			p.problems = append(p.problems, Problem{Message: "not valid YAML: " + msg, Line: line})
		}
		return nil, false
	}
	var extra yaml.Node
	if err := safeDecode(dec, &extra); !errors.Is(err, io.EOF) {
		p.add(nil, "", "the plan must be a single YAML document; remove the second one (after ---)")
		return nil, false
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		p.add(nil, "", "the plan is empty; it needs at least regions and products")
		return nil, false
	}
	return doc.Content[0], true
}

// safeDecode turns a panic inside the YAML library into an error: a plan is
// operator input, and the Lambda must report it, not crash on it.
func safeDecode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(n)
}

func (p *parser) duration(n *yaml.Node, at string) time.Duration {
	s, ok := p.str(n, at)
	if !ok {
		return DefaultMaxRunAge
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		p.add(n, at, "%q is not a duration; write it like 2h, 90m or 1h30m", s)
		return DefaultMaxRunAge
	}
	if d < MinMaxRunAge || d > MaxMaxRunAge {
		p.add(n, at, "%s is out of range; use 10m to 24h", s)
	}
	return d
}

// regionList checks a list of region codes: known, not repeated and, when
// within is not nil, one of within (the plan's regions).
func (p *parser) regionList(items []item, within []string) []string {
	var out []string
	seen := map[string]string{}
	for _, it := range items {
		r := it.Value
		if !p.checkRegion(r, it.Node, it.Path) {
			continue
		}
		if first, dup := seen[r]; dup {
			p.add(it.Node, it.Path, "%q is listed twice (also %s); remove one", r, first)
			continue
		}
		seen[r] = it.Path
		if within != nil && !slices.Contains(within, r) {
			p.add(it.Node, it.Path, "%q is not one of the plan's regions (%s); %s", r, strings.Join(within, ", "), p.addRegionHint())
			continue
		}
		out = append(out, r)
	}
	return out
}

func (p *parser) checkRegion(r string, n *yaml.Node, at string) bool {
	if region.Known(r) {
		return true
	}
	if s := closest(r, region.All()); s != "" {
		p.add(n, at, "%q is not a region; did you mean %q?", r, s)
	} else {
		p.add(n, at, "%q is not a region", r)
	}
	return false
}

// portfolioMap decodes region: portfolio ID entries. It returns the valid
// entries and every region that has an entry, valid or not, so that a bad ID
// is not reported a second time as a missing portfolio.
func (p *parser) portfolioMap(n *yaml.Node, at string) (valid []entry, mentioned map[string]bool) {
	mentioned = map[string]bool{}
	for _, e := range p.strMap(n, at) {
		ep := join(at, e.Key)
		mentioned[e.Key] = true
		if !region.Known(e.Key) {
			p.checkRegion(e.Key, e.KeyNode, ep)
			continue
		}
		if !rePortfolioID.MatchString(e.Value) {
			p.add(e.ValNode, ep, "%q is not a portfolio ID (port- followed by lower-case letters and digits, as in port-abc123def456)", e.Value)
			continue
		}
		valid = append(valid, e)
	}
	return valid, mentioned
}

// tagMap decodes tags and checks their keys; values are templates, checked
// when compiled.
func (p *parser) tagMap(n *yaml.Node, at string) []entry {
	var out []entry
	for _, e := range p.strMap(n, at) {
		ep := join(at, e.Key)
		switch {
		case len(e.Key) > maxTagKeyLen:
			p.add(e.KeyNode, ep, "tag key is %d characters; the limit is %d", len(e.Key), maxTagKeyLen)
		case strings.HasPrefix(strings.ToLower(e.Key), "aws:"):
			p.add(e.KeyNode, ep, "tag keys starting with aws: are reserved for AWS; rename the tag")
		case strings.HasPrefix(strings.ToLower(e.Key), ReservedTagPrefix):
			p.add(e.KeyNode, ep, "tag keys starting with %s are Landfall's own (it tags every product it provisions with %s); rename the tag", ReservedTagPrefix, OwnerTagKey)
		case !reTagChars.MatchString(e.Key):
			p.add(e.KeyNode, ep, "tag keys may only contain letters, digits, spaces and _.:/=+-@")
		default:
			out = append(out, e)
		}
	}
	return out
}

func (p *parser) updatePolicy(n *yaml.Node, at string) UpdatePolicy {
	s, ok := p.str(n, at)
	if !ok {
		return UpdateLeave
	}
	switch UpdatePolicy(s) {
	case UpdateLeave, UpdateApply:
		return UpdatePolicy(s)
	}
	p.add(n, at, "%q is not an update policy; use leave (never change an existing provisioned product) or update", s)
	return UpdateLeave
}

func (p *parser) selector(n *yaml.Node, at string) Selector {
	s := Selector{Recursive: true}
	f := p.fields(n, at, selectorKeys)
	if rn := f["recursive"]; rn != nil {
		s.Recursive, _ = p.boolean(rn, join(at, "recursive"))
	}
	for _, it := range p.strList(f["ous"], join(at, "ous")) {
		ou := it.Value
		switch {
		case strings.HasPrefix(ou, "ou-") && !awsid.IsOUID(ou):
			p.add(it.Node, it.Path, "%q is not an OU ID (ou-xxxx-xxxxxxxx, lower-case); give the OU's exact ID or its name", ou)
		case strings.HasPrefix(ou, "r-"):
			p.add(it.Node, it.Path, "%q is the organization root; leave %s out to select every account", ou, at)
		case strings.TrimSpace(ou) != ou:
			p.add(it.Node, it.Path, "%q has leading or trailing spaces; OU names must match exactly", ou)
		default:
			s.OUs = append(s.OUs, ou)
		}
	}
	for _, it := range p.strList(f["accounts"], join(at, "accounts")) {
		if !awsid.IsAccountID(it.Value) {
			p.add(it.Node, it.Path, "%q is not an account ID (12 digits; quote it so YAML keeps leading zeros)", it.Value)
			continue
		}
		s.Accounts = append(s.Accounts, it.Value)
	}
	for _, it := range p.strList(f["accountNames"], join(at, "accountNames")) {
		if _, err := path.Match(it.Value, ""); err != nil {
			p.add(it.Node, it.Path, "%q is not a valid pattern (use * ? and [a-z] as in shell globs; escape literal ones with \\)", it.Value)
			continue
		}
		s.AccountNames = append(s.AccountNames, it.Value)
	}
	s.Tags = p.selectorTags(f["tags"], join(at, "tags"))
	return s
}

func (p *parser) productList(n *yaml.Node) {
	n = p.resolve(n)
	if n == nil {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.add(n, "products", "must be a list of products (- key: …), not %s", describe(n))
		return
	}
	if len(n.Content) == 0 {
		p.add(n, "products", "is empty; list at least one product")
		return
	}
	for i, item := range n.Content {
		p.product(item, i)
	}
}

func (p *parser) product(n *yaml.Node, i int) {
	at := index("products", i)
	pr := &Product{index: i, Version: "latest", UpdatePolicy: p.pl.UpdatePolicy, Retire: p.pl.Retire}
	src := &productSrc{p: pr, node: n, path: at}
	if n = p.resolve(n); n == nil {
		return
	}
	src.node = n
	if n.Kind != yaml.MappingNode {
		p.add(n, at, "must be a mapping with key, product, version and parameters, not %s", describe(n))
		return
	}
	f := p.fields(n, at, productKeys)
	src.f = f

	if kn := f["key"]; !isNull(kn) {
		if s, ok := p.str(kn, join(at, "key")); ok {
			if !reKey.MatchString(s) {
				p.add(kn, join(at, "key"), "%q is not a valid key: use 1-63 lower-case letters, digits and -, starting with a letter or digit (for example %q)", s, keyify(s))
			}
			pr.Key = s
		}
	} else {
		p.add(src.node, join(at, "key"), "missing; give the product a short unique key such as baseline-vpc")
	}
	if pn := f["product"]; !isNull(pn) {
		if s, ok := p.str(pn, join(at, "product")); ok {
			switch {
			case s == "":
				p.add(pn, join(at, "product"), "is empty; give the Service Catalog product name (or its prod- ID)")
			case isProductID(s) && !reProductID.MatchString(s):
				p.add(pn, join(at, "product"), "%q is not a product ID (prod- followed by lower-case letters and digits); give the ID exactly or use the product's name", s)
			case strings.TrimSpace(s) != s:
				p.add(pn, join(at, "product"), "%q has leading or trailing spaces; product names must match exactly", s)
			}
			pr.Product = s
		}
	} else {
		p.add(src.node, join(at, "product"), "missing; give the Service Catalog product name (or its prod- ID)")
	}
	if vn := f["version"]; vn != nil {
		if s, ok := p.str(vn, join(at, "version")); ok {
			switch {
			case s == "":
				p.add(vn, join(at, "version"), "is empty; use latest, an artifact name (v1.1) or an artifact ID (pa-…), or leave it out for latest")
			case versionKind(s) == VersionArtifactID && !reArtifactID.MatchString(s):
				p.add(vn, join(at, "version"), "%q is not a provisioning artifact ID (pa- followed by lower-case letters and digits)", s)
			case strings.TrimSpace(s) != s:
				p.add(vn, join(at, "version"), "%q has leading or trailing spaces; version names must match exactly", s)
			}
			pr.Version = s
		}
	}
	if rn := f["regions"]; rn != nil {
		if isNull(p.resolve(rn)) || p.emptyList(rn) {
			p.add(rn, join(at, "regions"), "is empty; leave it out to use the plan's regions")
		}
		pr.Regions = p.regionList(p.strList(rn, join(at, "regions")), p.regions)
	} else {
		pr.Regions = slices.Clone(p.regions)
	}
	src.portfolios, src.portfolioMentioned = p.portfolioMap(f["portfolios"], join(at, "portfolios"))
	src.params = p.strMap(f["parameters"], join(at, "parameters"))
	for _, e := range src.params {
		if !reParameterKey.MatchString(e.Key) {
			p.add(e.KeyNode, join(join(at, "parameters"), e.Key), "%q is not a parameter name (letters, digits, _ and -, starting with a letter or _, as declared in the product's template)", e.Key)
		}
	}
	src.tags = p.tagMap(f["tags"], join(at, "tags"))
	if dn := f["dependsOn"]; dn != nil {
		src.dependsOn = p.strList(dn, join(at, "dependsOn"))
	}
	if un := f["updatePolicy"]; un != nil {
		pr.UpdatePolicy = p.updatePolicy(un, join(at, "updatePolicy"))
	}
	if rn := f["retire"]; rn != nil {
		pr.Retire, pr.retireSet = p.retirePolicy(rn, join(at, "retire")), true
	}
	if en := f["expectedDuration"]; en != nil {
		pr.ExpectedDuration = p.expectedDuration(en, join(at, "expectedDuration"))
	}
	pr.Include = p.selector(f["include"], join(at, "include"))
	pr.Exclude = p.selector(f["exclude"], join(at, "exclude"))
	pr.Parameters = map[string]string{}
	for _, e := range src.params {
		pr.Parameters[e.Key] = e.Value
	}
	pr.Tags = map[string]string{}
	for _, e := range src.tags {
		pr.Tags[e.Key] = e.Value
	}
	p.products = append(p.products, src)
	p.pl.Products = append(p.pl.Products, pr)
}

// crossCheck validates what involves more than one field: unique keys,
// portfolios per region, region-specific IDs, names, dependencies.
func (p *parser) crossCheck() {
	pl := p.pl
	firstKey := map[string]int{}
	for _, src := range p.products {
		pr := src.p
		if pr.Key == "" {
			continue
		}
		if first, dup := firstKey[pr.Key]; dup {
			p.add(src.f["key"], join(src.path, "key"), "%q is already the key of products[%d]; keys must be unique", pr.Key, first)
			continue
		}
		firstKey[pr.Key] = pr.index
		pl.byKey[pr.Key] = pr
	}

	for _, src := range p.products {
		pr := src.p
		// Keep regions in plan order so that targets come out in one stable
		// order whatever order each product lists them in.
		pr.Regions = inOrder(pr.Regions, pl.Regions)

		own := map[string]string{}
		for _, e := range src.portfolios {
			own[e.Key] = e.Value
		}
		pr.Portfolios = map[string]string{}
		var missing []string
		for _, r := range pr.Regions {
			switch {
			case own[r] != "":
				pr.Portfolios[r] = own[r]
			case pl.Portfolios[r] != "":
				pr.Portfolios[r] = pl.Portfolios[r]
			case src.portfolioMentioned[r] || p.portfolioMentioned[r]:
				// Reported already as an invalid ID.
			default:
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			n := src.f["portfolios"]
			if n == nil {
				n = src.node
			}
			p.add(n, join(src.path, "portfolios"), "no portfolio for %s; add %s: port-… here or under portfolios at the top level", strings.Join(missing, ", "), missing[0])
		}

		// Product and artifact IDs are regional: the same product copied to
		// another region has another ID, so an ID can only name one region's copy.
		if pr.Product != "" && pr.ProductIsID() && len(pr.Regions) > 1 {
			p.add(src.f["product"], join(src.path, "product"), "%q is a product ID, which exists in one region only, but the product targets %s; use the product's name, or set regions to the one region the ID belongs to", pr.Product, strings.Join(pr.Regions, ", "))
		}
		if pr.VersionKind() == VersionArtifactID && len(pr.Regions) > 1 {
			p.add(src.f["version"], join(src.path, "version"), "%q is an artifact ID, which exists in one region only, but the product targets %s; use the artifact's name (or latest), or set regions to the one region the ID belongs to", pr.Version, strings.Join(pr.Regions, ", "))
		}
		if pr.Key != "" && rePrefix.MatchString(pl.ProvisionedProductPrefix) && len(pl.ProvisionedProductPrefix) <= 127 {
			if name := pl.ProvisionedProductName(pr); !reProvisioned.MatchString(name) {
				p.add(src.f["key"], join(src.path, "key"), "provisioned product name %q is %d characters; Service Catalog allows 128: shorten provisionedProductPrefix or the key", name, len(name))
			}
		}
		if n := len(mergedTagKeys(pl.Tags, pr.Tags)); n > maxTags-reservedTags {
			p.add(src.f["tags"], join(src.path, "tags"), "%d tags after adding the plan's tags; Service Catalog allows %d per provisioned product, and Landfall adds %s: remove some", n, maxTags, OwnerTagKey)
		}
	}
	p.checkDependencies()
}

func (p *parser) checkDependencies() {
	pl := p.pl
	for _, src := range p.products {
		pr := src.p
		var deps []string
		for _, it := range src.dependsOn {
			d, ip, n := it.Value, it.Path, it.Node
			dep, known := pl.byKey[d]
			switch {
			case d == pr.Key:
				p.add(n, ip, "%s cannot depend on itself; remove it", d)
				continue
			case !known:
				keys := slices.DeleteFunc(pl.Keys(), func(k string) bool { return k == "" })
				if s := closest(d, keys); s != "" {
					p.add(n, ip, "%q is not a product key; did you mean %q?", d, s)
				} else {
					p.add(n, ip, "%q is not a product key; keys: %s", d, strings.Join(keys, ", "))
				}
				continue
			case slices.Contains(deps, d):
				p.add(n, ip, "%q is listed twice; remove one", d)
				continue
			}
			deps = append(deps, d)
			// A dependency is per account and region: the dependent waits for
			// the dependency in the same region, so the dependency must be
			// planned wherever the dependent is.
			var missing []string
			for _, r := range pr.Regions {
				if !slices.Contains(dep.Regions, r) {
					missing = append(missing, r)
				}
			}
			if len(missing) > 0 {
				p.add(n, ip, "%s is planned in %s but its dependency %s is not; add those regions to %s's regions or remove them from %s's", pr.Key, strings.Join(missing, ", "), d, d, pr.Key)
			}
		}
		pr.DependsOn = deps
	}
	for _, cycle := range findCycles(pl) {
		first := pl.byKey[cycle[0]]
		for _, src := range p.products {
			if src.p == first {
				p.add(src.f["dependsOn"], join(src.path, "dependsOn"), "dependency cycle %s; remove one of these dependsOn entries", strings.Join(cycle, " -> "))
			}
		}
	}
}

func (p *parser) checkTemplates() {
	for _, src := range p.products {
		pr := src.p
		pr.params = p.compileAll(src.params, join(src.path, "parameters"), pr.Regions, pr.Key)
		pr.tags = p.compileAll(src.tags, join(src.path, "tags"), pr.Regions, pr.Key)
	}
}

// compileAll compiles each value as a template and checks it: fields it names
// must exist, values it names must be defined, and it must execute against a
// sample account in every region it will be used in.
func (p *parser) compileAll(entries []entry, at string, regions []string, key string) []*compiled {
	out := make([]*compiled, 0, len(entries))
	isTag := strings.HasSuffix(at, "tags")
	for _, e := range entries {
		ep := join(at, e.Key)
		c, err := compile(ep, e.Key, e.Value)
		if err != nil {
			p.add(e.ValNode, ep, "%s", err)
			continue
		}
		if msgs := checkFields(c.t, p.pl.Values); len(msgs) > 0 {
			for _, m := range msgs {
				p.add(e.ValNode, ep, "%s", m)
			}
			continue
		}
	samples:
		for _, smp := range samples {
			for _, r := range regions {
				s, err := c.exec(sampleData(smp.account, r, key, p.pl.Values))
				if err != nil {
					p.add(e.ValNode, ep, "fails for an account %s: %s", smp.what, templateMessage(err, ep))
					break samples
				}
				if isTag {
					if msg := tagValueProblem(s); msg != "" {
						hint := ""
						if strings.Contains(e.Value, ".Account") {
							hint = `; wrap account fields in tagsafe: {{ tagsafe .Account.Name }}`
						}
						p.add(e.ValNode, ep, "renders %q for an account %s: %s%s", s, smp.what, msg, hint)
						break samples
					}
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func tagValueProblem(v string) string {
	switch {
	case utf8.RuneCountInString(v) > maxTagValueLen:
		return fmt.Sprintf("tag values are limited to %d characters, this is %d", maxTagValueLen, utf8.RuneCountInString(v))
	case !reTagChars.MatchString(v):
		return "tag values may only contain letters, digits, spaces and _.:/=+-@"
	}
	return ""
}

func mergedTagKeys(a, b map[string]string) map[string]bool {
	keys := make(map[string]bool, len(a)+len(b))
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

func inOrder(subset, order []string) []string {
	out := make([]string, 0, len(subset))
	for _, r := range order {
		if slices.Contains(subset, r) {
			out = append(out, r)
		}
	}
	return out
}

func isProductID(s string) bool { return strings.HasPrefix(s, "prod-") }

func versionKind(v string) VersionKind {
	switch {
	case v == "latest":
		return VersionLatest
	case strings.HasPrefix(v, "pa-"):
		return VersionArtifactID
	}
	return VersionName
}

// keyify suggests a valid key for a rejected one.
func keyify(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	k := strings.Trim(b.String(), "-")
	if len(k) > 63 {
		k = strings.TrimRight(k[:63], "-")
	}
	if k == "" {
		k = "my-product"
	}
	return k
}

// identifierize suggests a template-friendly name for a rejected value name:
// cost-center becomes costCenter, 1st becomes v1st.
func identifierize(s string) string {
	var b strings.Builder
	upper := false
	for _, r := range s {
		isLetter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_'
		isDigit := r >= '0' && r <= '9'
		switch {
		case !isLetter && !isDigit:
			upper = b.Len() > 0
			continue
		case b.Len() == 0 && isDigit:
			b.WriteByte('v')
		case upper:
			r = unicode.ToUpper(r)
		}
		upper = false
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "myValue"
	}
	return b.String()
}
