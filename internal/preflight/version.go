package preflight

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/plan"
)

// The version rule, as a run applies it to an account that does not have
// the product yet (provision.Wanted with no provisioned product). It is
// mirrored here because preflight runs in the launch function, which must
// not link the provisioning engine; TestLaunchableAgreesWithWanted keeps
// the two in step. A run sees the versions an end user sees, the active
// ones; preflight reads them as the administrator and sees the inactive
// ones too, so it can say why a pin does not work.

// versionFault says why there is no version to launch.
type versionFault int

const (
	versionOK versionFault = iota
	// versionNoneUsable: latest, but no active version is non-deprecated.
	versionNoneUsable
	// versionDeprecated: the pin is active but DEPRECATED.
	versionDeprecated
	// versionInactive: the pin exists but is inactive (end users cannot see it).
	versionInactive
	// versionMissing: no version has the pinned name or ID.
	versionMissing
)

// launchable returns the version a run would launch for p now, among the
// product's versions arts (all of them, as ListProvisioningArtifacts shows
// them to the administrator): for latest, the newest active, non-deprecated
// version by CreatedTime; for a pin, the first active version with that ID
// or name, which must not be deprecated. The artifact is returned with
// versionDeprecated and versionInactive too, for the message.
func launchable(p *plan.Product, arts []sctypes.ProvisioningArtifactDetail) (sctypes.ProvisioningArtifactDetail, versionFault) {
	if p.Version == "" || p.VersionKind() == plan.VersionLatest {
		var best *sctypes.ProvisioningArtifactDetail
		for i := range arts {
			a := &arts[i]
			if isActive(*a) && notDeprecated(*a) && (best == nil || aws.ToTime(a.CreatedTime).After(aws.ToTime(best.CreatedTime))) {
				best = a
			}
		}
		if best == nil {
			return sctypes.ProvisioningArtifactDetail{}, versionNoneUsable
		}
		return *best, versionOK
	}
	pinned := func(a sctypes.ProvisioningArtifactDetail) bool {
		return aws.ToString(a.Id) == p.Version || aws.ToString(a.Name) == p.Version
	}
	for _, a := range arts {
		if !isActive(a) || !pinned(a) {
			continue
		}
		if !notDeprecated(a) {
			return a, versionDeprecated
		}
		return a, versionOK
	}
	if i := slices.IndexFunc(arts, pinned); i >= 0 {
		return arts[i], versionInactive
	}
	return sctypes.ProvisioningArtifactDetail{}, versionMissing
}

// isActive reports whether end users see the version. Service Catalog
// always says; a missing Active is taken as active, as the API's default.
func isActive(a sctypes.ProvisioningArtifactDetail) bool {
	return a.Active == nil || *a.Active
}

func notDeprecated(a sctypes.ProvisioningArtifactDetail) bool {
	return a.Guidance != sctypes.ProvisioningArtifactGuidanceDeprecated
}

// usableNames lists the names of the versions a plan could pin, newest first.
func usableNames(arts []sctypes.ProvisioningArtifactDetail) []string {
	var usable []sctypes.ProvisioningArtifactDetail
	for _, a := range arts {
		if isActive(a) && notDeprecated(a) {
			usable = append(usable, a)
		}
	}
	slices.SortStableFunc(usable, func(a, b sctypes.ProvisioningArtifactDetail) int {
		return aws.ToTime(b.CreatedTime).Compare(aws.ToTime(a.CreatedTime))
	})
	names := make([]string, len(usable))
	for i, a := range usable {
		names[i] = aws.ToString(a.Name)
	}
	return names
}
