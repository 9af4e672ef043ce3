package catalog

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// ProvisionedProductView is a provisioned product as tests and the demo see
// it, at a given time.
type ProvisionedProductView struct {
	// Account and Region are where the product was provisioned.
	Account, Region string
	// ID, Name and ARN identify the provisioned product (pp-..., its name,
	// arn:aws:servicecatalog:<region>:<account>:stack/<name>/<id>).
	ID, Name, ARN string
	// ProductID and ProductName are the catalog product it runs.
	ProductID, ProductName string
	// ArtifactID and ArtifactName are the version it runs (the attempted one
	// while a first provisioning is running or failed; the previous one after
	// a failed update).
	ArtifactID, ArtifactName string
	// PathID is the launch path it was provisioned through.
	PathID string
	// Status is AVAILABLE, UNDER_CHANGE, ERROR or TAINTED.
	Status string
	// StatusMessage is the error of a failed provisioning or update.
	StatusMessage string
	// Parameters are the values the product runs with (defaults filled in).
	Parameters map[string]string
	// Tags are the product's tags.
	Tags map[string]string
	// Outputs are the outputs of the last successful provisioning or update.
	Outputs map[string]string
	// IdempotencyToken is the ProvisionToken of the launch.
	IdempotencyToken string
	// LastRecordID is the product's most recent record.
	LastRecordID string
	// UserARN is the principal (role or user ARN) that launched the product.
	UserARN string
	// Created is when the product was launched.
	Created time.Time
}

// RecordView is a provisioning, update or termination request at a given time.
type RecordView struct {
	// Account and Region are where the request was made.
	Account, Region string
	// ID is the record ID (rec-...).
	ID string
	// Type is PROVISION_PRODUCT, UPDATE_PROVISIONED_PRODUCT or TERMINATE_PROVISIONED_PRODUCT.
	Type string
	// Status is CREATED, IN_PROGRESS, IN_PROGRESS_IN_ERROR, SUCCEEDED or FAILED.
	Status string
	// ProvisionedProductID, ProductID and ArtifactID are what the request is about.
	ProvisionedProductID, ProductID, ArtifactID string
	// Errors are the record error descriptions (failing records only).
	Errors []string
	// Created is when the request was made; Updated when its status last changed.
	Created, Updated time.Time
}

// ProvisionedProducts returns the products provisioned in account and region
// that exist at now (terminated ones are gone), in creation order.
func (c *Catalog) ProvisionedProducts(account, region string, now time.Time) []ProvisionedProductView {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.states[stateKey{account, region}]
	if !ok {
		return nil
	}
	var out []ProvisionedProductView
	for _, pp := range st.live(now) {
		out = append(out, pp.view(st, now))
	}
	return out
}

// AllProvisionedProducts returns every provisioned product that exists at
// now, ordered by account, region and creation.
func (c *Catalog) AllProvisionedProducts(now time.Time) []ProvisionedProductView {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []ProvisionedProductView
	for _, key := range c.sortedStates() {
		st := c.states[key]
		for _, pp := range st.live(now) {
			out = append(out, pp.view(st, now))
		}
	}
	return out
}

// Records returns every record of account and region (terminated products'
// included), oldest first.
func (c *Catalog) Records(account, region string, now time.Time) []RecordView {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.states[stateKey{account, region}]
	if !ok {
		return nil
	}
	var out []RecordView
	for _, rec := range st.records {
		status, updated := rec.phase(now)
		v := RecordView{
			Account: account, Region: region,
			ID: rec.id, Type: rec.typ, Status: status,
			ProvisionedProductID: rec.pp.id, ProductID: rec.pp.product.id, ArtifactID: rec.artifact.id,
			Created: rec.start, Updated: updated,
		}
		for _, e := range rec.errors(now) {
			v.Errors = append(v.Errors, e.Description)
		}
		out = append(out, v)
	}
	return out
}

// AcceptedPortfolios returns the IDs of the portfolios account accepted in
// region, in acceptance order.
func (c *Catalog) AcceptedPortfolios(account, region string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.states[stateKey{account, region}]; ok {
		return slices.Clone(st.acceptOrder)
	}
	return nil
}

// Principals returns the principal ARNs (or patterns) account associated
// with a portfolio in region.
func (c *Catalog) Principals(account, region, portfolioID string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	if st, ok := c.states[stateKey{account, region}]; ok {
		for _, pr := range st.principals[portfolioID] {
			out = append(out, pr.arn)
		}
	} else if port := c.portfolio(region, portfolioID); port != nil && port.owner == account {
		for _, pr := range port.principals {
			out = append(out, pr.arn)
		}
	}
	return out
}

func (c *Catalog) sortedStates() []stateKey {
	keys := slices.Collect(maps.Keys(c.states))
	slices.SortFunc(keys, func(a, b stateKey) int {
		return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.region, b.region))
	})
	return keys
}

func (pp *provisioned) view(st *accountState, now time.Time) ProvisionedProductView {
	s := pp.at(now)
	v := ProvisionedProductView{
		Account: st.account, Region: st.region,
		ID: pp.id, Name: pp.name, ARN: pp.arn,
		ProductID: pp.product.id, ProductName: pp.product.name,
		ArtifactID: s.artifact.id, ArtifactName: s.artifact.name,
		Status: s.status, StatusMessage: s.message,
		Parameters:       maps.Clone(s.params),
		Tags:             map[string]string{},
		Outputs:          map[string]string{},
		IdempotencyToken: pp.token,
		LastRecordID:     s.last.id,
		UserARN:          pp.userARN,
		Created:          pp.created,
	}
	if s.path != nil {
		v.PathID = s.path.id
	}
	for _, t := range s.tags {
		v.Tags[t.Key] = t.Value
	}
	if s.lastSuccess != nil {
		v.Outputs = s.lastSuccess.outputs(st.account, st.region)
	}
	return v
}
