package runstate

import (
	"slices"
	"time"
)

// RegionOptIn is what a run knows of one opt-in region of its account: an
// account must enable an opt-in region before anything can be provisioned
// there, so the worker asks before it works there (package worker,
// optin.go), and with the plan's enableOptInRegions enables it and waits.
// It travels with the run, so the wait survives continuations and the
// summary can say that Landfall enabled the region.
type RegionOptIn struct {
	Region string `json:"region"`
	// Status is the region's opt status for the account when last asked
	// (ENABLED, ENABLED_BY_DEFAULT, ENABLING, DISABLING, DISABLED), empty
	// when it could not be read.
	Status string `json:"status,omitempty"`
	// Ready says the run's targets there may be worked on: the region is
	// enabled (or its status cannot be read and the plan does not ask
	// Landfall to enable it, so the targets find out as before). A ready
	// region is not asked about again.
	Ready bool `json:"ready,omitempty"`
	// CheckedAt is when the status was last asked.
	CheckedAt time.Time `json:"checkedAt,omitzero"`
	// EnabledAt is when Landfall asked AWS to enable the region for the
	// account (EnableRegion); zero when it did not.
	EnabledAt time.Time `json:"enabledAt,omitzero"`
}

// RegionOptIn returns the run's record of region, or nil.
func (r *Run) RegionOptIn(region string) *RegionOptIn {
	i := slices.IndexFunc(r.OptIn, func(o RegionOptIn) bool { return o.Region == region })
	if i < 0 {
		return nil
	}
	return &r.OptIn[i]
}

// NoteRegionOptIn returns the run's record of region, adding an empty one
// when there is none.
func (r *Run) NoteRegionOptIn(region string) *RegionOptIn {
	if o := r.RegionOptIn(region); o != nil {
		return o
	}
	r.OptIn = append(r.OptIn, RegionOptIn{Region: region})
	return &r.OptIn[len(r.OptIn)-1]
}
