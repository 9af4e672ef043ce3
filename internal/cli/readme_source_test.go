package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// repoRoot is the repository, seen from this package's directory.
const repoRoot = "../.."

// goConsts returns the string constants of the package in dir (test files
// excluded) whose names start with prefix: name -> value. The README checks
// read infra/ this way so that this package does not link the CDK.
func goConsts(t *testing.T, dir, prefix string) map[string]string {
	t.Helper()
	consts := map[string]string{}
	for _, f := range parseDir(t, dir, false) {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, prefix) || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						consts[name.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
	}
	if len(consts) == 0 {
		t.Fatalf("%s has no string constants named %s*", dir, prefix)
	}
	return consts
}

// testFuncs lists the top-level functions of dir's test files.
func testFuncs(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	for _, f := range parseDir(t, dir, true) {
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil {
				names = append(names, fd.Name.Name)
			}
		}
	}
	return names
}

// parseDir parses dir's Go files: the test files, or the others.
func parseDir(t *testing.T, dir string, tests bool) []*ast.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	fset := token.NewFileSet()
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") != tests {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// allTestFuncs lists every test, benchmark and fuzz function in the module.
func allTestFuncs(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, top := range []string{"internal", "infra", "cmd", "functions"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, top), func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			names = append(names, testFuncs(t, p)...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return names
}

var makeRule = regexp.MustCompile(`(?m)^([A-Za-z0-9_. -]+?)\s*:([^=]|$)`)

// makeTargets lists the Makefile's explicit targets.
func makeTargets(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, m := range makeRule.FindAllStringSubmatch(string(raw), -1) {
		targets = append(targets, strings.Fields(m[1])...)
	}
	return targets
}

// makeRecipe returns the first command of a Makefile target's recipe.
func makeRecipe(t *testing.T, target string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "\n"+target+":")
	if !ok {
		t.Fatalf("Makefile has no %s target", target)
	}
	for _, line := range strings.Split(rest, "\n")[1:] {
		if strings.HasPrefix(line, "\t") {
			return strings.TrimSpace(line)
		}
	}
	t.Fatalf("Makefile target %s has no recipe", target)
	return ""
}

// matchesAny reports whether pattern (a go test -run or -bench expression,
// its first level only) matches one of names with the given prefix.
func matchesAny(pattern, prefix string, names []string) (bool, error) {
	first, _, _ := strings.Cut(pattern, "/")
	re, err := regexp.Compile(first)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, prefix) && re.MatchString(n) }), nil
}
