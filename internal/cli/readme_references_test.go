package cli

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/plan"
)

var (
	repoPath     = regexp.MustCompile(`^(?:github\.com/landfall/landfall/)?\.?/?([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+)/?$`)
	relativePath = regexp.MustCompile(`^/?[a-z0-9_]+(?:/[a-z0-9_]+)*$`)
	goFileName   = regexp.MustCompile(`^[a-z0-9_]+\.go$`)
	testName     = regexp.MustCompile(`^(?:Test|Benchmark|Fuzz)[A-Z][A-Za-z0-9_]*$`)
	cdkKey       = regexp.MustCompile(`landfall:[A-Za-z]+`)
	envName      = regexp.MustCompile(`LANDFALL_[A-Z_]+`)
)

// repoRoots are the top-level entries whose paths the README names.
var repoRoots = []string{"internal", "infra", "cmd", "functions", ".ci"}

// TestREADMEPaths checks that every repository path in backticks exists:
// full paths, paths relative to one named before on the same line
// (`internal/app`, `app/launchfn`; `internal/lifecycle` (`/samples`)) and
// Go file names after their directory (`internal/provision` ... `target.go`).
func TestREADMEPaths(t *testing.T) {
	d := loadREADME(t)
	checked := 0
	lastDir := map[int]string{}
	for _, s := range d.spans {
		path := ""
		switch m := repoPath.FindStringSubmatch(strings.TrimSuffix(s.text, "/...")); {
		case m != nil && slices.Contains(repoRoots, strings.Split(m[1], "/")[0]):
			path = m[1]
		case goFileName.MatchString(s.text) && lastDir[s.line] != "":
			path = filepath.Join(lastDir[s.line], s.text)
		case relativePath.MatchString(s.text) && strings.Contains(s.text, "/") && lastDir[s.line] != "":
			if path = resolveRelative(lastDir[s.line], s.text); path == "" {
				continue
			}
		default:
			continue
		}
		checked++
		info, err := os.Stat(filepath.Join(repoRoot, path))
		if err != nil {
			t.Errorf("%s: `%s` names %s, which does not exist", readmeAt(s.line), s.text, path)
			continue
		}
		if info.IsDir() {
			lastDir[s.line] = path
		} else {
			lastDir[s.line] = filepath.Dir(path)
		}
	}
	if checked < 30 {
		t.Errorf("checked %d paths; the README names far more", checked)
	}
}

// resolveRelative resolves `/samples` under dir, and `app/launchfn` against
// dir or the ancestor of dir whose last element is app; "" when it is not
// relative to dir (`alias/aws/sqs`).
func resolveRelative(dir, rel string) string {
	if strings.HasPrefix(rel, "/") {
		return dir + rel
	}
	first, _, _ := strings.Cut(rel, "/")
	for d := dir; d != "." && d != "/"; d = filepath.Dir(d) {
		if filepath.Base(d) == first {
			return filepath.Join(filepath.Dir(d), rel)
		}
	}
	return ""
}

// TestREADMETestNames checks that every test or benchmark the README names
// exists.
func TestREADMETestNames(t *testing.T) {
	d := loadREADME(t)
	names := allTestFuncs(t)
	for _, s := range d.spans {
		if testName.MatchString(s.text) && !slices.Contains(names, s.text) {
			t.Errorf("%s: `%s` names no test, benchmark or fuzz target of the module", readmeAt(s.line), s.text)
		}
	}
}

// goTestFlags are go test's own flags the README uses; any other flag must
// be registered by the package's tests.
var goTestFlags = []string{"count", "run", "bench", "benchtime", "benchmem", "v", "race", "timeout", "short", "cover", "cpu"}

// TestREADMEGoAndMake checks the README's go and make commands: packages
// exist (with a main for go run and go install), -run and -bench patterns
// match a function of the package, other flags are the package's, and make
// targets are the Makefile's. Running them is make test's job.
func TestREADMEGoAndMake(t *testing.T) {
	d := loadREADME(t)
	targets := makeTargets(t)
	checked := 0
	for _, c := range d.commands() {
		if len(c.words) < 2 {
			continue
		}
		switch c.words[0] {
		case "make":
			for _, tg := range c.words[1:] {
				checked++
				if !slices.Contains(targets, tg) {
					t.Errorf("%s: `%s`: the Makefile has no target %s", readmeAt(c.line), c.text, tg)
				}
			}
		case "go":
			checked++
			checkGoCommand(t, c)
		}
	}
	if checked < 15 {
		t.Errorf("checked %d go and make commands; the README shows more", checked)
	}
}

func checkGoCommand(t *testing.T, c readmeCommand) {
	t.Helper()
	var pkgs []string
	flags := map[string]string{}
	for i := 2; i < len(c.words); i++ {
		w := c.words[i]
		if !strings.HasPrefix(w, "-") {
			pkgs = append(pkgs, w)
			continue
		}
		name, value, ok := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if !ok && slices.Contains([]string{"run", "bench", "benchtime", "count", "timeout"}, name) && i+1 < len(c.words) {
			i++
			value = c.words[i]
		}
		flags[name] = value
	}
	for _, p := range pkgs {
		if strings.Contains(p, "<") || p == "./..." {
			continue
		}
		dir := filepath.Join(repoRoot, strings.TrimSuffix(strings.TrimPrefix(p, "./"), "/"))
		if matches, _ := filepath.Glob(filepath.Join(dir, "*.go")); len(matches) == 0 {
			t.Errorf("%s: `%s`: %s is not a Go package of the module", readmeAt(c.line), c.text, p)
			continue
		}
		if c.words[1] != "test" {
			continue
		}
		funcs := testFuncs(t, dir)
		for flagName, prefix := range map[string]string{"run": "Test", "bench": "Benchmark"} {
			pattern, ok := flags[flagName]
			if !ok || pattern == "^$" {
				continue
			}
			if found, err := matchesAny(pattern, prefix, funcs); err != nil || !found {
				t.Errorf("%s: `%s`: -%s=%s matches no %s function in %s (%v)", readmeAt(c.line), c.text, flagName, pattern, prefix, p, err)
			}
		}
		for name := range flags {
			if !slices.Contains(goTestFlags, name) && !packageDefinesFlag(t, dir, name) {
				t.Errorf("%s: `%s`: -%s is neither a go test flag nor registered by %s's tests", readmeAt(c.line), c.text, name, p)
			}
		}
	}
}

// packageDefinesFlag reports whether dir's test files register the flag.
func packageDefinesFlag(t *testing.T, dir, name string) bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`flag\.[A-Za-z]+\("` + regexp.QuoteMeta(name) + `"`).Match(raw) {
			return true
		}
	}
	return false
}

// TestREADMEMakeDemo runs make demo's recipe in-process and offline: the
// sample event gives LifeCycle1 2 products in 3 regions, with the summary.
func TestREADMEMakeDemo(t *testing.T) {
	recipe := shellWords(makeRecipe(t, "demo"))
	if len(recipe) < 4 || recipe[0] != "$(GO)" || recipe[1] != "run" || recipe[2] != "./cmd/landfall" {
		t.Fatalf("make demo runs %q, not ./cmd/landfall", recipe)
	}
	offline(t)
	t.Chdir(repoRoot)
	r := landfall(t, "", recipe[3:]...)
	if r.code != 0 || !strings.Contains(r.out, "LifeCycle1 (222222222222) 6 succeeded") {
		t.Errorf("make demo (landfall %s): exit %d, no summary of 6 succeeded targets for LifeCycle1:\n%s%s", strings.Join(recipe[3:], " "), r.code, r.out, r.stderr)
	}
}

// tableKeys returns the first code span of each table row of the README
// section whose first cell matches re.
func tableKeys(d *readmeDoc, section string, re *regexp.Regexp) map[string]int {
	keys := map[string]int{}
	for _, s := range d.spans {
		if s.section == section && strings.HasPrefix(s.context, "| `"+s.text+"`") && re.MatchString(s.text) {
			keys[s.text] = s.line
		}
	}
	return keys
}

// compareSets reports names only on one side.
func compareSets(t *testing.T, what string, readme map[string]int, code map[string]string, codeWhere string) {
	t.Helper()
	if len(readme) == 0 {
		t.Fatalf("README.md has no %s", what)
	}
	first := slices.Min(slices.Collect(maps.Values(readme)))
	inCode := map[string]bool{}
	for name, value := range code {
		inCode[value] = true
		if _, ok := readme[value]; !ok {
			t.Errorf("%s: the %s (from this line) lack %s (%s in %s)", readmeAt(first), what, value, name, codeWhere)
		}
	}
	for v, line := range readme {
		if !inCode[v] {
			t.Errorf("%s: %s in the %s is not defined in %s", readmeAt(line), v, what, codeWhere)
		}
	}
}

// TestREADMEContextKeys checks the Deploying table against infra/config's
// keys both ways, every landfall:key the README or cdk.json names, and the
// README's claim that cdk.json does not set the home region.
func TestREADMEContextKeys(t *testing.T) {
	d := loadREADME(t)
	keys := goConsts(t, filepath.Join(repoRoot, "infra/config"), "Key")
	compareSets(t, "cdk.json keys of the Deploying table", tableKeys(d, "Deploying", cdkKey), keys, "infra/config")
	known := map[string]bool{}
	for _, v := range keys {
		known[v] = true
	}
	// The tag Landfall writes on what it provisions shares the prefix.
	known[plan.OwnerTagKey] = true
	for _, s := range slices.Concat(d.spans, d.lineOf) {
		for _, k := range cdkKey.FindAllString(s.text, -1) {
			if !known[k] {
				t.Errorf("%s: %s is not a context key of infra/config", readmeAt(s.line), k)
			}
		}
	}
	raw, err := os.ReadFile(filepath.Join(repoRoot, "cdk.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cdk struct{ Context map[string]json.RawMessage }
	if err := json.Unmarshal(raw, &cdk); err != nil {
		t.Fatal(err)
	}
	for k := range cdk.Context {
		if strings.HasPrefix(k, "landfall:") && !known[k] {
			t.Errorf("cdk.json: %s is not a context key of infra/config", k)
		}
	}
	for _, s := range d.spans {
		if s.text == "cdk.json" && strings.Contains(s.context, "`cdk.json` does not set it") {
			if _, ok := cdk.Context[keys["KeyHomeRegion"]]; ok {
				t.Errorf("%s: the README says cdk.json does not set %s, but it does", readmeAt(s.line), keys["KeyHomeRegion"])
			}
		}
	}
}

// TestREADMEEnvironment checks the Configuration table against
// internal/config's variables both ways, and every LANDFALL_ variable named
// elsewhere against the CLI's and the conformance suite's.
func TestREADMEEnvironment(t *testing.T) {
	d := loadREADME(t)
	env := goConsts(t, filepath.Join(repoRoot, "internal/config"), "Env")
	compareSets(t, "variables of the Configuration table", tableKeys(d, "Configuration", envName), env, "internal/config")
	known := map[string]bool{}
	for _, v := range env {
		known[v] = true
	}
	for _, v := range goConsts(t, ".", "Env") {
		known[v] = true
	}
	conformance := readDir(t, filepath.Join(repoRoot, "internal/localaws/conformance"))
	for _, s := range slices.Concat(d.spans, d.lineOf) {
		for _, v := range envName.FindAllString(s.text, -1) {
			if !known[v] && !strings.Contains(conformance, `"`+v+`"`) {
				t.Errorf("%s: %s is read by neither the functions (internal/config), the CLI nor the conformance suite", readmeAt(s.line), v)
			}
		}
	}
}

// readDir concatenates dir's Go files.
func readDir(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var b strings.Builder
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(raw)
	}
	return b.String()
}

// TestREADMEOutputs checks the outputs the Deploying section lists against
// infra/stack's, both ways.
func TestREADMEOutputs(t *testing.T) {
	d := loadREADME(t)
	listed := map[string]int{}
	for _, s := range d.spans {
		if s.section == "Deploying" && strings.HasPrefix(s.context, "Outputs (") && regexp.MustCompile(`^[A-Z][A-Za-z]+$`).MatchString(s.text) {
			listed[s.text] = s.line
		}
	}
	compareSets(t, "stack outputs listed under Deploying", listed, goConsts(t, filepath.Join(repoRoot, "infra/stack"), "Output"), "infra/stack")
}
