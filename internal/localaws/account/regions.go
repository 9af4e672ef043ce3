package account

import (
	"slices"

	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// Wire shapes, with the model's member names (the SDK's deserializer
// matches them exactly).

type listRegionsInput struct {
	AccountID               string `json:"AccountId"`
	MaxResults              *int32
	NextToken               string
	RegionOptStatusContains []string
}

type listRegionsOutput struct {
	NextToken string `json:",omitempty"`
	Regions   []regionJSON
}

type regionJSON struct {
	RegionName      string
	RegionOptStatus org.RegionOptStatus
}

// regionInput is the input of GetRegionOptStatus, EnableRegion and
// DisableRegion.
type regionInput struct {
	AccountID  string `json:"AccountId"`
	RegionName string
}

// listRegions lists the target account's regions with their status, in
// region order, optionally only those whose status is one of
// RegionOptStatusContains (an empty list filters nothing).
func (s *Service) listRegions(r *wire.Request, in *listRegionsInput) (listRegionsOutput, error) {
	size := defaultPageSize
	if in.MaxResults != nil {
		if n := *in.MaxResults; n < 1 || n > maxPageSize {
			return listRegionsOutput{}, outOfRange(n)
		}
		size = int(*in.MaxResults)
	}
	want := map[org.RegionOptStatus]bool{}
	for _, v := range in.RegionOptStatusContains {
		st := org.RegionOptStatus(v)
		if !slices.Contains(statuses, st) {
			return listRegionsOutput{}, notInEnum(v)
		}
		want[st] = true
	}
	account, err := s.target(r, in.AccountID)
	if err != nil {
		return listRegionsOutput{}, err
	}
	all, err := s.org.RegionOptStatuses(account, r.Now)
	if err != nil {
		return listRegionsOutput{}, regionError(r, account, "", err)
	}
	items := make([]regionJSON, 0, len(all))
	for _, ro := range all {
		if len(want) == 0 || want[ro.Status] {
			items = append(items, regionJSON{RegionName: ro.Region, RegionOptStatus: ro.Status})
		}
	}
	pg, next, ok := wire.Page(items, in.NextToken, size, pageTokens{scope: listScope(account, want)})
	if !ok {
		return listRegionsOutput{}, malformedToken()
	}
	return listRegionsOutput{NextToken: next, Regions: pg}, nil
}

// getRegionOptStatus reports one region's status for the target account.
func (s *Service) getRegionOptStatus(r *wire.Request, in *regionInput) (regionJSON, error) {
	account, err := s.target(r, in.AccountID)
	if err != nil {
		return regionJSON{}, err
	}
	st, err := s.org.RegionOptStatus(account, in.RegionName, r.Now)
	if err != nil {
		return regionJSON{}, regionError(r, account, in.RegionName, err)
	}
	return regionJSON{RegionName: in.RegionName, RegionOptStatus: st}, nil
}

// enableRegion starts enabling a region of the target account; the answer
// is an empty document, the region is ENABLING.
func (s *Service) enableRegion(r *wire.Request, in *regionInput) (struct{}, error) {
	account, err := s.target(r, in.AccountID)
	if err != nil {
		return struct{}{}, err
	}
	if err := s.org.EnableRegion(account, in.RegionName, r.Now); err != nil {
		return struct{}{}, regionError(r, account, in.RegionName, err)
	}
	return struct{}{}, nil
}

// disableRegion starts disabling a region of the target account.
func (s *Service) disableRegion(r *wire.Request, in *regionInput) (struct{}, error) {
	account, err := s.target(r, in.AccountID)
	if err != nil {
		return struct{}{}, err
	}
	if err := s.org.DisableRegion(account, in.RegionName, r.Now); err != nil {
		return struct{}{}, regionError(r, account, in.RegionName, err)
	}
	return struct{}{}, nil
}
