// Command gen trims the official AWS service models (botocore's
// service-2.json files, Apache-2.0) to what the local AWS's request
// validator needs: the input shapes of the operations the emulator
// implements, with their members, required members, lengths, ranges,
// patterns and enums. It writes one JSON file per service into the model
// package's data folder, which is committed, so neither tests nor CI need
// botocore:
//
//	go run ./internal/localaws/model/gen -botocore /usr/lib/python3/dist-packages/botocore/data \
//		-botocore-current "$(python3 -c 'import botocore, os; print(os.path.dirname(botocore.__file__))')/data"
//
// Services whose emulated operations are newer than Debian's botocore
// (service.current) are read from -botocore-current, a pip-installed
// botocore; without it gen leaves their files as they are and says so.
// Newer botocore releases ship the models gzipped (service-2.json.gz); gen
// reads either.
//
// botocore's patterns are Java regular expressions; gen translates what Go's
// regexp can express and records, for every other one, why it was skipped
// (model.Shape.PatternSkipped), so the validator leaves it out and a test
// counts it.
package main

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// service is one emulated service: where its model is in botocore, and the
// operations the emulator implements (internal/localaws checks that this
// list and the services' Operations agree).
type service struct {
	signingName, dir, version string
	operations                []string
	// stale lists constraints of botocore's (older) model that the current
	// API and SDK contradict, as "Shape.Member:constraint"; gen drops them.
	stale map[string]string
	// current marks a service whose operations Debian's botocore does not
	// have yet: its model comes from -botocore-current.
	current bool
}

var services = []service{
	{signingName: "servicecatalog", dir: "servicecatalog", version: "2015-12-10", operations: []string{
		"AcceptPortfolioShare", "RejectPortfolioShare", "ListAcceptedPortfolioShares", "ListPortfolios", "DescribePortfolio",
		"AssociatePrincipalWithPortfolio", "DisassociatePrincipalFromPortfolio", "ListPrincipalsForPortfolio",
		"SearchProducts", "DescribeProduct", "DescribeProductAsAdmin", "SearchProductsAsAdmin", "DescribePortfolioShares",
		"ListProvisioningArtifacts", "DescribeProvisioningArtifact", "ListLaunchPaths", "DescribeProvisioningParameters",
		"ProvisionProduct", "UpdateProvisionedProduct", "TerminateProvisionedProduct", "DescribeRecord", "ListRecordHistory",
		"DescribeProvisionedProduct", "SearchProvisionedProducts", "ScanProvisionedProducts", "GetProvisionedProductOutputs",
	}},
	{signingName: "organizations", dir: "organizations", version: "2016-11-28", operations: []string{
		"DescribeOrganization", "DescribeAccount", "ListAccounts", "ListAccountsForParent", "ListParents", "ListChildren",
		"ListRoots", "DescribeOrganizationalUnit", "ListOrganizationalUnitsForParent", "ListTagsForResource",
		"MoveAccount", "CloseAccount", "RemoveAccountFromOrganization",
	}},
	{signingName: "sqs", dir: "sqs", version: "2012-11-05", operations: []string{
		"CreateQueue", "GetQueueUrl", "ListQueues", "GetQueueAttributes", "SetQueueAttributes", "DeleteQueue", "PurgeQueue",
		"ListDeadLetterSourceQueues", "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage",
		"DeleteMessageBatch", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch",
	}, stale: map[string]string{
		// The 2012-11-05 model botocore 1.29 carries types ReceiveMessage's
		// AttributeNames as queue attribute names; the API takes message
		// system attribute names there (SentTimestamp, ...), as the current
		// SDK's MessageSystemAttributeName says.
		"ReceiveMessageRequest.AttributeNames:enum": "message system attribute names, not queue attribute names, in the current API",
	}},
	{signingName: "sns", dir: "sns", version: "2010-03-31", operations: []string{
		"CreateTopic", "DeleteTopic", "ListTopics", "GetTopicAttributes", "SetTopicAttributes", "Subscribe", "Unsubscribe",
		"ListSubscriptionsByTopic", "Publish",
	}},
	{signingName: "sts", dir: "sts", version: "2011-06-15", operations: []string{"AssumeRole", "GetCallerIdentity"}},
	{signingName: "lambda", dir: "lambda", version: "2015-03-31", operations: []string{"Invoke", "GetFunction"}},
	{signingName: "cloudformation", dir: "cloudformation", version: "2010-05-15", operations: []string{"DescribeStacks"}},
	// Account Management's region operations (2023) postdate Debian's
	// botocore 1.29.
	{signingName: "account", dir: "account", version: "2021-02-01", current: true, operations: []string{
		"ListRegions", "GetRegionOptStatus", "EnableRegion", "DisableRegion",
	}},
	{signingName: "dynamodb", dir: "dynamodb", version: "2012-08-10", operations: []string{
		"CreateTable", "DescribeTable", "DeleteTable", "UpdateTimeToLive", "DescribeTimeToLive",
		"PutItem", "GetItem", "UpdateItem", "DeleteItem", "Query", "Scan",
	}},
}

// The botocore model, as far as gen reads it.
type botoModel struct {
	Metadata   map[string]any `json:"metadata"`
	Operations map[string]struct {
		Input *struct {
			Shape string `json:"shape"`
		} `json:"input"`
	} `json:"operations"`
	Shapes map[string]json.RawMessage `json:"shapes"`
}

type botoRef struct {
	Shape        string `json:"shape"`
	Location     string `json:"location"`
	LocationName string `json:"locationName"`
}

type botoShape struct {
	Type      string   `json:"type"`
	Required  []string `json:"required"`
	Min       *float64 `json:"min"`
	Max       *float64 `json:"max"`
	Pattern   *string  `json:"pattern"`
	Enum      []string `json:"enum"`
	Flattened bool     `json:"flattened"`
	Payload   string   `json:"payload"`
	Member    *botoRef `json:"member"`
	Key       *botoRef `json:"key"`
	Value     *botoRef `json:"value"`
}

// Output: keep in step with package model's Service, Shape and Ref.

type ref struct {
	Name         string `json:"name,omitempty"`
	Shape        string `json:"shape"`
	Location     string `json:"location,omitempty"`
	LocationName string `json:"locationName,omitempty"`
	Required     bool   `json:"required,omitempty"`
	// Dropped lists constraints of the member's shape that do not apply to
	// this member (see service.stale).
	Dropped []string `json:"dropped,omitempty"`
}

type shape struct {
	Type           string   `json:"type"`
	Members        []ref    `json:"members,omitempty"`
	Payload        string   `json:"payload,omitempty"`
	Member         *ref     `json:"member,omitempty"`
	Key            *ref     `json:"key,omitempty"`
	Value          *ref     `json:"value,omitempty"`
	Flattened      bool     `json:"flattened,omitempty"`
	Min            *float64 `json:"min,omitempty"`
	Max            *float64 `json:"max,omitempty"`
	Pattern        string   `json:"pattern,omitempty"`
	GoPattern      string   `json:"goPattern,omitempty"`
	PatternSkipped string   `json:"patternSkipped,omitempty"`
	Enum           []string `json:"enum,omitempty"`
}

type output struct {
	Comment    string            `json:"_comment"`
	Service    string            `json:"service"`
	Version    string            `json:"version"`
	Protocol   string            `json:"protocol"`
	Operations map[string]string `json:"operations"`
	Shapes     map[string]*shape `json:"shapes"`
}

func main() {
	botocore := flag.String("botocore", "/usr/lib/python3/dist-packages/botocore/data", "botocore's data folder")
	current := flag.String("botocore-current", "", "the data folder of a current botocore (pip), for the services Debian's predates")
	out := flag.String("out", "internal/localaws/model/data", "where to write the trimmed models")
	flag.Parse()
	if err := run(*botocore, *current, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(botocore, current, out string) error {
	var errs []error
	for _, svc := range services {
		src := botocore
		if svc.current {
			if current == "" {
				fmt.Fprintf(os.Stderr, "gen: %s: left as is: its operations are newer than -botocore's; pass -botocore-current to regenerate it\n", svc.signingName)
				continue
			}
			src = current
		}
		if err := generate(svc, src, out); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", svc.signingName, err))
		}
	}
	return errors.Join(errs...)
}

func generate(svc service, botocore, out string) error {
	src := filepath.Join(botocore, svc.dir, svc.version, "service-2.json")
	data, err := readModel(src)
	if err != nil {
		return err
	}
	var m botoModel
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("decode %s: %w", src, err)
	}
	o := output{
		Comment: "Generated by internal/localaws/model/gen from botocore's " + svc.dir + "/" + svc.version +
			"/service-2.json (Apache-2.0, see ../README.md). DO NOT EDIT.",
		Service: svc.signingName, Version: svc.version, Protocol: fmt.Sprint(m.Metadata["protocol"]),
		Operations: map[string]string{}, Shapes: map[string]*shape{},
	}
	used := map[string]bool{}
	for _, name := range svc.operations {
		op, ok := m.Operations[name]
		if !ok {
			return fmt.Errorf("operation %s is not in the model", name)
		}
		if op.Input == nil {
			o.Operations[name] = ""
			continue
		}
		o.Operations[name] = op.Input.Shape
		if err := addShape(&m, &o, op.Input.Shape, svc.stale, used); err != nil {
			return err
		}
	}
	for key := range svc.stale {
		if !used[key] {
			return fmt.Errorf("stale constraint %s matches nothing", key)
		}
	}
	buf, err := json.MarshalIndent(o, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, svc.signingName+".json"), append(buf, '\n'), 0o644)
}

// readModel reads a service-2.json, or its gzipped copy service-2.json.gz,
// which newer botocore releases ship instead.
func readModel(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return data, err
	}
	f, gzErr := os.Open(path + ".gz")
	if gzErr != nil {
		return nil, err // the plain file's error names what is missing
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s.gz: %w", path, err)
	}
	data, err = io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("read %s.gz: %w", path, err)
	}
	return data, nil
}

// addShape copies shape name and every shape it reaches into o.
func addShape(m *botoModel, o *output, name string, stale map[string]string, used map[string]bool) error {
	if _, done := o.Shapes[name]; done {
		return nil
	}
	raw, ok := m.Shapes[name]
	if !ok {
		return fmt.Errorf("shape %s is not in the model", name)
	}
	var b struct {
		botoShape
		Members map[string]botoRef `json:"members"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return fmt.Errorf("decode shape %s: %w", name, err)
	}
	s := &shape{Type: b.Type, Payload: b.Payload, Flattened: b.Flattened, Min: b.Min, Max: b.Max, Enum: b.Enum}
	o.Shapes[name] = s
	if b.Pattern != nil {
		s.Pattern = *b.Pattern
		s.GoPattern, s.PatternSkipped = translate(*b.Pattern)
	}
	var refs []*botoRef
	// Members in the model's order: AWS reports violations in that order.
	for _, mn := range memberOrder(raw) {
		br := b.Members[mn]
		r := ref{Name: mn, Shape: br.Shape, Location: br.Location, LocationName: br.LocationName, Required: slices.Contains(b.Required, mn)}
		for key := range stale {
			if prefix := name + "." + mn + ":"; strings.HasPrefix(key, prefix) {
				r.Dropped = append(r.Dropped, strings.TrimPrefix(key, prefix))
				used[key] = true
			}
		}
		s.Members = append(s.Members, r)
		refs = append(refs, &br)
	}
	for _, p := range []struct {
		src *botoRef
		dst **ref
	}{{b.Member, &s.Member}, {b.Key, &s.Key}, {b.Value, &s.Value}} {
		if p.src != nil {
			*p.dst = &ref{Shape: p.src.Shape, LocationName: p.src.LocationName}
			refs = append(refs, p.src)
		}
	}
	for _, r := range refs {
		if err := addShape(m, o, r.Shape, stale, used); err != nil {
			return err
		}
	}
	return nil
}

// memberOrder returns a structure's member names in the order the model
// lists them (encoding/json forgets it).
func memberOrder(raw json.RawMessage) []string {
	var s struct {
		Members json.RawMessage `json:"members"`
	}
	if json.Unmarshal(raw, &s) != nil || len(s.Members) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(s.Members)))
	var names []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 1 {
				names = append(names, t)
				// Skip the member's value.
				var v json.RawMessage
				if dec.Decode(&v) != nil {
					return names
				}
			}
		}
	}
	return names
}

// bigRepeat is a single-character atom (class, escape or dot) repeated more
// than RE2's limit of 1000 allows, e.g. [\s\S]{0,1023}.
var bigRepeat = regexp.MustCompile(`(\[(?:\\.|[^\]])*\]|\\.|\.)\{(\d+),(\d+)\}`)

// splitRepeats rewrites X{a,b} with 1000 < b <= 2000 and a <= 1000 as
// X{a,1000}X{0,b-1000}, which matches exactly the same strings for a
// single-character X.
func splitRepeats(p string) string {
	return bigRepeat.ReplaceAllStringFunc(p, func(m string) string {
		sub := bigRepeat.FindStringSubmatch(m)
		lo, _ := strconv.Atoi(sub[2])
		hi, _ := strconv.Atoi(sub[3])
		if hi <= 1000 || hi > 2000 || lo > 1000 {
			return m
		}
		return fmt.Sprintf("%s{%d,1000}%s{0,%d}", sub[1], lo, sub[1], hi-1000)
	})
}

var (
	javaUnicode = regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`)
	javaPosix   = map[string]string{
		`\p{Alnum}`: `[[:alnum:]]`, `\p{Alpha}`: `[[:alpha:]]`, `\p{Digit}`: `[[:digit:]]`, `\p{Punct}`: `[[:punct:]]`,
		`\p{Print}`: `[[:print:]]`, `\p{Graph}`: `[[:graph:]]`, `\p{Space}`: `[[:space:]]`, `\p{Upper}`: `[[:upper:]]`,
		`\p{Lower}`: `[[:lower:]]`, `\p{XDigit}`: `[[:xdigit:]]`, `\p{ASCII}`: `[\x00-\x7F]`,
	}
	// Java constructs RE2 cannot express.
	unsupported = []struct{ re, why string }{
		{`\(\?[=!]`, "lookahead"},
		{`\(\?<[=!]`, "lookbehind"},
		{`\(\?>`, "atomic group"},
		{`[*+?}][+]`, "possessive quantifier"},
		{`\\[1-9]`, "backreference"},
		{`&&`, "character class intersection"},
		{`\\Z`, `\Z anchor`},
	}
)

// translate turns a Java pattern into an RE2 one with Java's matches()
// semantics (the whole value must match), or says why it cannot.
func translate(java string) (goPattern, skipped string) {
	for _, u := range unsupported {
		if regexp.MustCompile(u.re).MatchString(java) {
			return "", u.why
		}
	}
	p := javaUnicode.ReplaceAllString(java, `\x{$1}`)
	for from, to := range javaPosix {
		p = strings.ReplaceAll(p, from, to)
	}
	p = splitRepeats(p)
	p = `^(?:` + p + `)$`
	if _, err := regexp.Compile(p); err != nil {
		return "", "not RE2: " + err.Error()
	}
	return p, ""
}
