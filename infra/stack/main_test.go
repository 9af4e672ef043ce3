package stack

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/config"
)

// All CDK tests live in this one package: a test binary that loads the CDK
// costs minutes cold, so the default stack is synthesized once and shared.

// repoRoot is where cdk.json and the paths in it are relative to.
const repoRoot = "../.."

// TestMain closes the jsii runtime, which would otherwise leave a
// /tmp/jsii-runtime.* directory behind (except under -race: see race_test.go).
func TestMain(m *testing.M) {
	// The CDK CLI sets the stack's region from the deploying credentials;
	// cdk.json leaves the home region to it (the Makefile's synth does the same).
	if err := os.Setenv(config.EnvStackRegion, "us-east-1"); err != nil {
		panic(err)
	}
	code := m.Run()
	for _, dir := range cleanup {
		os.RemoveAll(dir)
	}
	if !raceDetector {
		jsii.Close()
	}
	os.Exit(code)
}

// cleanup collects directories made outside any one test (shared fixtures).
var cleanup []string

func tempDir(pattern string) string {
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		panic(err)
	}
	cleanup = append(cleanup, dir)
	return dir
}

// codeDirs makes launch and worker directories holding a stand-in bootstrap
// (the real binaries come from make build; the template does not depend on them).
func codeDirs() (launch, worker string) {
	root := tempDir("landfall-code-")
	for _, name := range []string{"launch", "worker"} {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("#!/bin/sh\n# "+name+" stand-in\n"), 0o755); err != nil {
			panic(err)
		}
	}
	return filepath.Join(root, "launch"), filepath.Join(root, "worker")
}

// cdkJSONContext is the context `cdk synth` gets from the repository's
// cdk.json, with paths made relative to this package and the account pinned
// so the template does not depend on the caller's environment.
func cdkJSONContext() map[string]any {
	data, err := os.ReadFile(filepath.Join(repoRoot, "cdk.json"))
	if err != nil {
		panic(err)
	}
	var doc struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		panic(fmt.Sprintf("parse cdk.json: %v", err))
	}
	ctx := doc.Context
	ctx["landfall:planFile"] = filepath.Join(repoRoot, ctx["landfall:planFile"].(string))
	ctx["landfall:managementAccountId"] = testAccount
	launch, worker := codeDirs()
	ctx["landfall:launchCodeDir"] = launch
	ctx["landfall:workerCodeDir"] = worker
	return ctx
}

const testAccount = "111111111111"

// synthesized is one built app with its template decoded.
type synthesized struct {
	stack       *Stack
	outdir      string
	template    assertions.Template
	annotations assertions.Annotations
	doc         map[string]any // the template as plain JSON values
}

// build runs Build on a new app with ctx and synthesizes it. Like the CDK
// CLI, it asks for construct paths and asset locations in the template's
// metadata: the tests find resources by path.
func build(ctx map[string]any) (*synthesized, error) { return buildWithEnv(ctx, nil) }

// buildWithEnv is build with some of the CDK CLI's environment variables
// (CDK_DEFAULT_REGION, ...) replaced by env's values, as another
// deployment's credentials would set them.
func buildWithEnv(ctx map[string]any, env map[string]string) (*synthesized, error) {
	ctx["aws:cdk:enable-path-metadata"] = true
	ctx["aws:cdk:enable-asset-metadata"] = true
	outdir := tempDir("landfall-cdkout-")
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(outdir)})
	st, err := buildFrom(app, func(key string) string {
		if v, ok := env[key]; ok {
			return v
		}
		return os.Getenv(key)
	})
	if err != nil {
		return nil, err
	}
	tmpl := assertions.Template_FromStack(st.Stack, nil)
	raw, err := json.Marshal(tmpl.ToJSON())
	if err != nil {
		return nil, err
	}
	s := &synthesized{stack: st, outdir: outdir, template: tmpl, annotations: assertions.Annotations_FromStack(st.Stack)}
	if err := json.Unmarshal(raw, &s.doc); err != nil {
		return nil, err
	}
	return s, nil
}

// stackFor returns the stack `cdk synth` makes from the repository's cdk.json.
var stackFor = stackVariant("the default stack", func() (*synthesized, error) { return build(cdkJSONContext()) })

// stackVariant builds a stack once, when a test first asks for it (a synth
// takes seconds), and fails each test that asks for it naming what could
// not be built.
func stackVariant(what string, build func() (*synthesized, error)) func(*testing.T) *synthesized {
	once := sync.OnceValues(build)
	return func(t *testing.T) *synthesized {
		t.Helper()
		s, err := once()
		if err != nil {
			t.Fatalf("build %s: %v", what, err)
		}
		return s
	}
}

// withContext is cdk.json's context with edits applied.
func withContext(edits map[string]any) map[string]any {
	ctx := cdkJSONContext()
	maps.Copy(ctx, edits)
	return ctx
}

// assert runs an assertions call, which reports failure by panicking.
func assert(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
		}
	}()
	f()
}

// resource returns the logical ID and body of the resource at a construct
// path such as "WorkQueue" (under Landfall/Landfall/, ending in /Resource).
func (s *synthesized) resource(t *testing.T, path string) (string, map[string]any) {
	t.Helper()
	full := s.stack.Config.StackName + "/Landfall/" + path
	for id, r := range s.doc["Resources"].(map[string]any) {
		body := r.(map[string]any)
		meta, _ := body["Metadata"].(map[string]any)
		if p, _ := meta["aws:cdk:path"].(string); p == full || p == full+"/Resource" {
			return id, body
		}
	}
	t.Fatalf("no resource at %s", full)
	return "", nil
}

func (s *synthesized) props(t *testing.T, path string) map[string]any {
	t.Helper()
	_, body := s.resource(t, path)
	return body["Properties"].(map[string]any)
}

// resourcesOf returns every resource of a CloudFormation type, by logical ID.
func (s *synthesized) resourcesOf(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range s.doc["Resources"].(map[string]any) {
		body := r.(map[string]any)
		if body["Type"] == typ {
			out[id] = body
		}
	}
	return out
}

func (s *synthesized) ref(t *testing.T, path string) map[string]any {
	t.Helper()
	id, _ := s.resource(t, path)
	return map[string]any{"Ref": id}
}

func (s *synthesized) getAtt(t *testing.T, path, attr string) map[string]any {
	t.Helper()
	id, _ := s.resource(t, path)
	return map[string]any{"Fn::GetAtt": []any{id, attr}}
}

func pseudo(name string) map[string]any { return map[string]any{"Ref": name} }

func join(parts ...any) map[string]any { return map[string]any{"Fn::Join": []any{"", parts}} }

// equalJSON compares after a JSON round trip, so expectations can be written
// with Go literals (ints, []string) and compared with decoded templates.
func equalJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	norm := func(v any) any {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		var out any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return out
	}
	g, w := norm(got), norm(want)
	if !reflect.DeepEqual(g, w) {
		gj, _ := json.MarshalIndent(g, "", "  ")
		wj, _ := json.MarshalIndent(w, "", "  ")
		t.Errorf("%s:\n got %s\nwant %s", what, gj, wj)
	}
}
