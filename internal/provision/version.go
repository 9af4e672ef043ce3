package provision

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/plan"
)

// The version rule: runs, dry runs and fleet status all ask Wanted, so they
// never disagree about which version the plan wants in an account.

// VersionProblem says why the plan's version cannot be provisioned.
type VersionProblem int

const (
	// NoActiveVersion: "latest", but every version the account sees is deprecated.
	NoActiveVersion VersionProblem = iota + 1
	// VersionDeprecated: the pinned version exists but is DEPRECATED.
	VersionDeprecated
	// VersionMissing: no version the account sees has the pinned name or ID.
	VersionMissing
)

// VersionError is the version rule's refusal. Its message is the one a run
// reports; status words VersionMissing from the account's point of view.
type VersionError struct {
	Problem   VersionProblem
	Product   string // the plan's product name or ID
	Version   string // the plan's version
	Region    string
	Available []string // names of the usable versions, newest first as listed
}

func (e *VersionError) Error() string {
	available := "none"
	if len(e.Available) > 0 {
		available = strings.Join(e.Available, ", ")
	}
	switch e.Problem {
	case NoActiveVersion:
		return fmt.Sprintf("product %s has no active, non-deprecated version in %s", e.Product, e.Region)
	case VersionDeprecated:
		return fmt.Sprintf("version %s of %s is DEPRECATED in %s and cannot be provisioned: pin another version (available: %s) or use latest", e.Version, e.Product, e.Region, available)
	default:
		return fmt.Sprintf("version %s of %s does not exist or is inactive in %s (available: %s)", e.Version, e.Product, e.Region, available)
	}
}

// Wanted picks the version the plan wants for p in region among arts, the
// versions the account sees (active ones), given the provisioned product
// current (nil when there is none).
//
//   - "latest" is the newest by CreatedTime that is not deprecated.
//   - A product already running its pinned version keeps it, even if that
//     version was deprecated or retired since: that does not make it wrong.
//   - A pinned deprecated version is returned with a VersionDeprecated error:
//     it is what the plan wants, but it is never launched anew, and never
//     silently substituted.
func Wanted(p *plan.Product, region string, current *sctypes.ProvisionedProductDetail, arts []sctypes.ProvisioningArtifact) (*sctypes.ProvisioningArtifact, error) {
	if current != nil && pinnedTo(p, current, arts) {
		return currentArtifact(current, arts), nil
	}
	if IsLatest(p) {
		return newestUsable(p, region, arts)
	}
	for i := range arts {
		a := &arts[i]
		if aws.ToString(a.Id) != p.Version && aws.ToString(a.Name) != p.Version {
			continue
		}
		if !usable(a) {
			return a, versionError(VersionDeprecated, p, region, arts)
		}
		return a, nil
	}
	return nil, versionError(VersionMissing, p, region, arts)
}

// IsLatest reports whether p follows the newest version rather than a pin.
func IsLatest(p *plan.Product) bool {
	return p.Version == "" || p.VersionKind() == plan.VersionLatest
}

func newestUsable(p *plan.Product, region string, arts []sctypes.ProvisioningArtifact) (*sctypes.ProvisioningArtifact, error) {
	var best *sctypes.ProvisioningArtifact
	for i := range arts {
		a := &arts[i]
		if usable(a) && (best == nil || aws.ToTime(a.CreatedTime).After(aws.ToTime(best.CreatedTime))) {
			best = a
		}
	}
	if best == nil {
		return nil, versionError(NoActiveVersion, p, region, arts)
	}
	return best, nil
}

func usable(a *sctypes.ProvisioningArtifact) bool {
	return a.Guidance != sctypes.ProvisioningArtifactGuidanceDeprecated
}

func versionError(problem VersionProblem, p *plan.Product, region string, arts []sctypes.ProvisioningArtifact) *VersionError {
	e := &VersionError{Problem: problem, Product: p.Product, Version: p.Version, Region: region}
	for i := range arts {
		if usable(&arts[i]) {
			e.Available = append(e.Available, aws.ToString(arts[i].Name))
		}
	}
	return e
}

// recordTerminate is the RecordType of a termination.
const recordTerminate = "TERMINATE_PROVISIONED_PRODUCT"

// pinnedTo reports whether the plan pins p to the version the existing
// product runs (by artifact ID or name).
func pinnedTo(p *plan.Product, d *sctypes.ProvisionedProductDetail, arts []sctypes.ProvisioningArtifact) bool {
	if IsLatest(p) {
		return false
	}
	id := aws.ToString(d.ProvisioningArtifactId)
	return id == p.Version || artifactName(arts, id) == p.Version
}

// currentArtifact describes the version an existing product runs; an
// inactive one is not listed to end users and is known by its ID alone.
func currentArtifact(d *sctypes.ProvisionedProductDetail, arts []sctypes.ProvisioningArtifact) *sctypes.ProvisioningArtifact {
	id := aws.ToString(d.ProvisioningArtifactId)
	for i := range arts {
		if aws.ToString(arts[i].Id) == id {
			return &arts[i]
		}
	}
	return &sctypes.ProvisioningArtifact{Id: aws.String(id), Name: aws.String(id)}
}

func artifactName(arts []sctypes.ProvisioningArtifact, id string) string {
	for i := range arts {
		if aws.ToString(arts[i].Id) == id {
			return aws.ToString(arts[i].Name)
		}
	}
	return id
}
