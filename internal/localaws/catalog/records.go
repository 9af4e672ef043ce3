package catalog

import (
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/localaws/wire"
)

func (c *Catalog) describeRecord(r *wire.Request, in *describeRecordInput) (any, error) {
	if err := required("Id", in.ID); err != nil {
		return nil, err
	}
	st := c.state(r.Caller.Account, r.Region)
	rec, ok := st.recordByID[in.ID]
	if !ok {
		return nil, notFound("Record %s not found.", in.ID)
	}
	outputs := []recordOutput{}
	if status, _ := rec.phase(r.Now); status == statusSucceeded && rec.typ != recordTerminate {
		values := rec.outputs(st.account, st.region)
		for _, key := range sortedKeys(values) {
			outputs = append(outputs, recordOutput{OutputKey: key, OutputValue: values[key]})
		}
	}
	pg, next, err := page(outputs, in.pagedInput, 20)
	if err != nil {
		return nil, err
	}
	return struct {
		NextPageToken *string        `json:"NextPageToken,omitempty"`
		RecordDetail  recordDetail   `json:"RecordDetail"`
		RecordOutputs []recordOutput `json:"RecordOutputs"`
	}{next, rec.detail(r.Now), pg}, nil
}

// accessFilter returns whether an item created by (userARN, session) is
// visible at the requested access level: Account (everything in the
// account), Role (items launched through the caller's role or user) or User
// (items launched by the caller's own session).
func accessFilter(r *wire.Request, f *accessLevelFilter, def string) (func(userARN, session string) bool, error) {
	key := def
	if f != nil && f.Key != "" {
		key = f.Key
		if f.Value != "" && f.Value != "self" {
			return nil, invalidParams("AccessLevelFilter Value %q is not supported; the only value is self", f.Value)
		}
	}
	principalARN := callerPrincipal(r)
	switch key {
	case "Account":
		return func(string, string) bool { return true }, nil
	case "Role":
		return func(userARN, _ string) bool { return userARN == principalARN }, nil
	case "User":
		return func(_, session string) bool { return session == r.Caller.ARN }, nil
	default:
		return nil, invalidParams("AccessLevelFilter Key %q is not one of Account, Role, User", key)
	}
}

func (c *Catalog) listRecordHistory(r *wire.Request, in *listRecordHistoryInput) (any, error) {
	visible, err := accessFilter(r, in.AccessLevelFilter, "User")
	if err != nil {
		return nil, err
	}
	match := func(*record) bool { return true }
	if f := in.SearchFilter; f != nil && f.Key != "" {
		switch f.Key {
		case "product":
			match = func(rec *record) bool { return rec.pp.product.id == f.Value }
		case "provisionedproduct":
			match = func(rec *record) bool { return rec.pp.id == f.Value }
		default:
			return nil, invalidParams("SearchFilter Key %q is not product or provisionedproduct", f.Key)
		}
	}
	st := c.state(r.Caller.Account, r.Region)
	var recs []*record
	// Newest first, as AWS lists them.
	for _, rec := range slices.Backward(st.records) {
		if visible(rec.userARN, rec.session) && match(rec) {
			recs = append(recs, rec)
		}
	}
	pg, next, err := page(recs, in.pagedInput, 20)
	if err != nil {
		return nil, err
	}
	out := struct {
		NextPageToken *string        `json:"NextPageToken,omitempty"`
		RecordDetails []recordDetail `json:"RecordDetails"`
	}{NextPageToken: next, RecordDetails: []recordDetail{}}
	for _, rec := range pg {
		out.RecordDetails = append(out.RecordDetails, rec.detail(r.Now))
	}
	return out, nil
}

func (c *Catalog) describeProvisionedProduct(r *wire.Request, in *describeProvisionedInput) (any, error) {
	if err := exactlyOne("Id", in.ID, "Name", in.Name); err != nil {
		return nil, err
	}
	pp := c.state(r.Caller.Account, r.Region).findProvisioned(in.ID, in.Name, r.Now)
	if pp == nil {
		return nil, notFound("%s not found.", describe("Provisioned product", in.ID, in.Name))
	}
	return struct {
		CloudWatchDashboards     []struct{}               `json:"CloudWatchDashboards"`
		ProvisionedProductDetail provisionedProductDetail `json:"ProvisionedProductDetail"`
	}{[]struct{}{}, pp.detail(r.Now)}, nil
}

// searchFields are the SearchQuery fields, lower-cased, with how to read
// each from a provisioned product's attributes.
var searchFields = map[string]func(a *provisionedProductAttribute) []string{
	"arn":                      func(a *provisionedProductAttribute) []string { return []string{a.Arn} },
	"id":                       func(a *provisionedProductAttribute) []string { return []string{a.ID} },
	"lastrecordid":             func(a *provisionedProductAttribute) []string { return []string{a.LastRecordID} },
	"idempotencytoken":         func(a *provisionedProductAttribute) []string { return []string{a.IdempotencyToken} },
	"name":                     func(a *provisionedProductAttribute) []string { return []string{a.Name} },
	"physicalid":               func(a *provisionedProductAttribute) []string { return []string{a.PhysicalID} },
	"productid":                func(a *provisionedProductAttribute) []string { return []string{a.ProductID} },
	"provisioningartifactid":   func(a *provisionedProductAttribute) []string { return []string{a.ProvisioningArtifactID} },
	"type":                     func(a *provisionedProductAttribute) []string { return []string{a.Type} },
	"status":                   func(a *provisionedProductAttribute) []string { return []string{a.Status} },
	"userarn":                  func(a *provisionedProductAttribute) []string { return []string{a.UserArn} },
	"userarnsession":           func(a *provisionedProductAttribute) []string { return []string{a.UserArnSession} },
	"lastprovisioningrecordid": func(a *provisionedProductAttribute) []string { return []string{deref(a.LastProvisioningRecordID)} },
	"lastsuccessfulprovisioningrecordid": func(a *provisionedProductAttribute) []string {
		return []string{deref(a.LastSuccessfulProvisioningRecordID)}
	},
	"productname":              func(a *provisionedProductAttribute) []string { return []string{a.ProductName} },
	"provisioningartifactname": func(a *provisionedProductAttribute) []string { return []string{a.ProvisioningArtifactName} },
	"tags": func(a *provisionedProductAttribute) []string {
		var out []string
		for _, t := range a.Tags {
			out = append(out, t.Key+"="+t.Value, t.Key, t.Value)
		}
		return out
	},
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// matchQuery applies one SearchQuery term: "field:value" compares that field
// (case-insensitively), a bare word matches any field that contains it.
func matchQuery(a *provisionedProductAttribute, term string) (bool, error) {
	field, value, ok := strings.Cut(term, ":")
	if !ok {
		for _, get := range searchFields {
			for _, v := range get(a) {
				if strings.Contains(strings.ToLower(v), strings.ToLower(term)) {
					return true, nil
				}
			}
		}
		return false, nil
	}
	get, known := searchFields[strings.ToLower(field)]
	if !known {
		return false, invalidParams("SearchQuery field %q is not searchable; use one of arn, id, name, status, productId, productName, provisioningArtifactId, provisioningArtifactName, idempotencyToken, lastRecordId, tags, type, userArn", field)
	}
	return slices.ContainsFunc(get(a), func(v string) bool { return strings.EqualFold(v, value) }), nil
}

func (c *Catalog) searchProvisionedProducts(r *wire.Request, in *searchProvisionedInput) (any, error) {
	visible, err := accessFilter(r, in.AccessLevelFilter, "Account")
	if err != nil {
		return nil, err
	}
	for key := range in.Filters {
		if key != "SearchQuery" {
			return nil, invalidParams("Filters key %q is not supported; the only key is SearchQuery", key)
		}
	}
	st := c.state(r.Caller.Account, r.Region)
	var found []provisionedProductAttribute
	for _, pp := range st.live(r.Now) {
		if !visible(pp.userARN, pp.session) {
			continue
		}
		attr := pp.attribute(r.Now)
		keep := true
		for _, term := range in.Filters["SearchQuery"] {
			ok, err := matchQuery(&attr, term)
			if err != nil {
				return nil, err
			}
			keep = keep && ok
		}
		if keep {
			found = append(found, attr)
		}
	}
	var key func(a provisionedProductAttribute) string
	switch strings.ToLower(in.SortBy) {
	case "", "createdtime":
		key = nil // creation order
	case "name":
		key = func(a provisionedProductAttribute) string { return a.Name }
	case "id":
		key = func(a provisionedProductAttribute) string { return a.ID }
	case "arn":
		key = func(a provisionedProductAttribute) string { return a.Arn }
	case "lastrecordid":
		key = func(a provisionedProductAttribute) string { return a.LastRecordID }
	default:
		return nil, invalidParams("SortBy %q is not one of arn, id, name, lastRecordId, createdTime", in.SortBy)
	}
	if key != nil {
		slices.SortStableFunc(found, func(a, b provisionedProductAttribute) int { return strings.Compare(key(a), key(b)) })
	}
	switch in.SortOrder {
	case "", "ASCENDING":
	case "DESCENDING":
		slices.Reverse(found)
	default:
		return nil, invalidParams("SortOrder %q is not ASCENDING or DESCENDING", in.SortOrder)
	}
	pg, next, err := page(found, in.pagedInput, 100)
	if err != nil {
		return nil, err
	}
	if pg == nil {
		pg = []provisionedProductAttribute{}
	}
	return struct {
		NextPageToken       *string                       `json:"NextPageToken,omitempty"`
		ProvisionedProducts []provisionedProductAttribute `json:"ProvisionedProducts"`
		TotalResultsCount   int                           `json:"TotalResultsCount"`
	}{next, pg, len(found)}, nil
}

func (c *Catalog) scanProvisionedProducts(r *wire.Request, in *scanProvisionedInput) (any, error) {
	visible, err := accessFilter(r, in.AccessLevelFilter, "User")
	if err != nil {
		return nil, err
	}
	var found []provisionedProductDetail
	for _, pp := range c.state(r.Caller.Account, r.Region).live(r.Now) {
		if visible(pp.userARN, pp.session) {
			found = append(found, pp.detail(r.Now))
		}
	}
	pg, next, err := page(found, in.pagedInput, 20)
	if err != nil {
		return nil, err
	}
	if pg == nil {
		pg = []provisionedProductDetail{}
	}
	return struct {
		NextPageToken       *string                    `json:"NextPageToken,omitempty"`
		ProvisionedProducts []provisionedProductDetail `json:"ProvisionedProducts"`
	}{next, pg}, nil
}

func (c *Catalog) getProvisionedProductOutputs(r *wire.Request, in *outputsInput) (any, error) {
	if err := exactlyOne("ProvisionedProductId", in.ProvisionedProductID, "ProvisionedProductName", in.ProvisionedProductName); err != nil {
		return nil, err
	}
	st := c.state(r.Caller.Account, r.Region)
	pp := st.findProvisioned(in.ProvisionedProductID, in.ProvisionedProductName, r.Now)
	if pp == nil {
		return nil, notFound("%s not found.", describe("Provisioned product", in.ProvisionedProductID, in.ProvisionedProductName))
	}
	outputs := []recordOutput{}
	if s := pp.at(r.Now); s.lastSuccess != nil {
		values := s.lastSuccess.outputs(st.account, st.region)
		for _, key := range sortedKeys(values) {
			if len(in.OutputKeys) == 0 || slices.Contains(in.OutputKeys, key) {
				outputs = append(outputs, recordOutput{OutputKey: key, OutputValue: values[key]})
			}
		}
	}
	pg, next, err := page(outputs, in.pagedInput, 20)
	if err != nil {
		return nil, err
	}
	return struct {
		NextPageToken *string        `json:"NextPageToken,omitempty"`
		Outputs       []recordOutput `json:"Outputs"`
	}{next, pg}, nil
}
