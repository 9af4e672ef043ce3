package landfall

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/internal/plan"
)

// PlanPathInLayer is where the functions find the plan: Lambda extracts
// layers under /opt, and the layer holds landfall/plan.yaml.
const PlanPathInLayer = "/opt/landfall/plan.yaml"

// Plan is a plan file that passed the same validation the functions run, with
// the exact bytes that were validated. Only LoadPlan and ParsePlan make one,
// so the construct cannot ship a plan nobody validated.
type Plan struct {
	parsed *plan.Plan
	doc    []byte
}

// LoadPlan reads and validates the plan file at path. An invalid plan yields
// the validator's *plan.ValidationError, listing every problem.
func LoadPlan(path string) (*Plan, error) {
	doc, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return ParsePlan(doc, path)
}

// ParsePlan validates plan bytes; source names them in messages.
func ParsePlan(doc []byte, source string) (*Plan, error) {
	parsed, err := plan.Parse(doc, source)
	if err != nil {
		return nil, err
	}
	return &Plan{parsed: parsed, doc: append([]byte(nil), doc...)}, nil
}

// Parsed returns the validated plan.
func (p *Plan) Parsed() *plan.Plan { return p.parsed }

// Hash is the hex SHA-256 of the plan file, as the functions record it.
func (p *Plan) Hash() string { return p.parsed.Hash }

// planBundler writes the validated plan into the layer's asset directory
// while CDK stages the asset. Writing it there, rather than into a temporary
// directory handed to Code_FromAsset, leaves nothing to clean up and makes
// the asset exactly the validated bytes.
//
// jsii calls TryBundle through a pointer: keep the pointer receiver.
type planBundler struct {
	doc []byte
}

// TryBundle implements awscdk.ILocalBundling.
func (b *planBundler) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	dir := filepath.Join(*outputDir, "landfall")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		// Returning false would make CDK try Docker, which cannot help here:
		// a synth that cannot write its own output directory has to stop.
		panic(fmt.Sprintf("stage plan layer: %v", err))
	}
	if err := os.WriteFile(filepath.Join(dir, "plan.yaml"), b.doc, 0o644); err != nil {
		panic(fmt.Sprintf("stage plan layer: %v", err))
	}
	return jsii.Bool(true)
}

// bundlingSource is the directory CDK is told the layer is built from. CDK
// requires an existing directory, although the local bundler never reads
// it: the plan file's directory, or the temporary directory when the plan
// came from ParsePlan with a source that is not a path.
func (p *Plan) bundlingSource() string {
	dir := filepath.Dir(p.parsed.Source)
	if info, err := os.Stat(dir); err == nil && info.IsDir() {
		return dir
	}
	return os.TempDir()
}

// assetHash identifies the layer's content: the plan bytes plus a layout
// version, so that an unchanged plan keeps the same layer version and a
// layout change forces a new one.
func (p *Plan) assetHash() string {
	sum := sha256.Sum256(append([]byte("landfall-plan-layer-v1\n"), p.doc...))
	return hex.EncodeToString(sum[:])
}
