package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// summary is the product as the caller sees it; HasDefaultPath is true when
// the caller has exactly one launch path, so no PathId is needed.
func (prod *product) summary(paths int) *productViewSummary {
	return &productViewSummary{
		Distributor:      str(prod.distributor),
		HasDefaultPath:   paths == 1,
		ID:               prod.viewID,
		Name:             prod.name,
		Owner:            str(prod.owner),
		ProductID:        prod.id,
		ShortDescription: str(prod.description),
		SupportEmail:     str(prod.supportEmail),
		Type:             prod.typ,
	}
}

var productFilters = []string{"FullTextSearch", "Owner", "ProductType", "SourceProductId"}

func (c *Catalog) searchProducts(r *wire.Request, in *searchProductsInput) (any, error) {
	if err := checkProductFilters(in.Filters); err != nil {
		return nil, err
	}
	st := c.state(r.Caller.Account, r.Region)
	principalARN := callerPrincipal(r)
	var found []*product
	for _, prod := range c.endUserProducts(st, principalARN) {
		if matchesProductFilters(prod, in.Filters) {
			found = append(found, prod)
		}
	}
	if err := sortProducts(found, in.SortBy, in.SortOrder, true); err != nil {
		return nil, err
	}
	pg, next, err := page(found, in.pagedInput, 100)
	if err != nil {
		return nil, err
	}
	out := struct {
		NextPageToken           *string               `json:"NextPageToken,omitempty"`
		ProductViewAggregations map[string][]struct{} `json:"ProductViewAggregations"`
		ProductViewSummaries    []*productViewSummary `json:"ProductViewSummaries"`
	}{NextPageToken: next, ProductViewAggregations: map[string][]struct{}{}, ProductViewSummaries: []*productViewSummary{}}
	for _, prod := range pg {
		out.ProductViewSummaries = append(out.ProductViewSummaries, prod.summary(len(c.launchPaths(st, prod, principalARN))))
	}
	return out, nil
}

// matchesProductFilters applies SearchProducts filters: values of one key
// are alternatives, keys all have to match.
func matchesProductFilters(prod *product, filters map[string][]string) bool {
	for key, values := range filters {
		if len(values) == 0 {
			continue
		}
		ok := slices.ContainsFunc(values, func(v string) bool {
			v = strings.ToLower(v)
			switch key {
			case "FullTextSearch":
				for _, field := range []string{prod.name, prod.description, prod.owner, prod.distributor, prod.id} {
					if strings.Contains(strings.ToLower(field), v) {
						return true
					}
				}
				return false
			case "Owner":
				return strings.Contains(strings.ToLower(prod.owner), v)
			case "ProductType":
				return strings.EqualFold(prod.typ, v)
			default: // SourceProductId
				return strings.EqualFold(prod.id, v)
			}
		})
		if !ok {
			return false
		}
	}
	return true
}

func (c *Catalog) describeProduct(r *wire.Request, in *describeProductInput) (any, error) {
	if err := exactlyOne("Id", in.ID, "Name", in.Name); err != nil {
		return nil, err
	}
	st := c.state(r.Caller.Account, r.Region)
	prod, paths, err := c.endUserProduct(st, callerPrincipal(r), in.ID, in.Name)
	if err != nil {
		return nil, err
	}
	out := struct {
		Budgets               []struct{}             `json:"Budgets"`
		LaunchPaths           []launchPathShape      `json:"LaunchPaths"`
		ProductViewSummary    *productViewSummary    `json:"ProductViewSummary"`
		ProvisioningArtifacts []provisioningArtifact `json:"ProvisioningArtifacts"`
	}{Budgets: []struct{}{}, ProductViewSummary: prod.summary(len(paths))}
	out.LaunchPaths = []launchPathShape{}
	for _, lp := range paths {
		out.LaunchPaths = append(out.LaunchPaths, launchPathShape{ID: lp.id, Name: lp.name})
	}
	out.ProvisioningArtifacts = []provisioningArtifact{}
	for _, a := range prod.artifacts {
		if a.active {
			out.ProvisioningArtifacts = append(out.ProvisioningArtifacts, provisioningArtifact{
				CreatedTime: stamp(a.created),
				Description: str(a.description),
				Guidance:    a.guidance,
				ID:          a.id,
				Name:        a.name,
			})
		}
	}
	return out, nil
}

// adminProduct finds a product the calling account owns.
func (c *Catalog) adminProduct(r *wire.Request, id, name string) (*product, error) {
	prod := c.ownedProduct(r.Region, r.Caller.Account, id, name)
	if prod == nil {
		return nil, notFound("%s not found.", describe("Product", id, name))
	}
	return prod, nil
}

func (c *Catalog) describeProductAsAdmin(r *wire.Request, in *describeProductInput) (any, error) {
	if err := exactlyOne("Id", in.ID, "Name", in.Name); err != nil {
		return nil, err
	}
	prod, err := c.adminProduct(r, in.ID, in.Name)
	if err != nil {
		return nil, err
	}
	out := struct {
		Budgets                       []struct{}                    `json:"Budgets"`
		ProductViewDetail             productViewDetail             `json:"ProductViewDetail"`
		ProvisioningArtifactSummaries []provisioningArtifactSummary `json:"ProvisioningArtifactSummaries"`
		TagOptions                    []struct{}                    `json:"TagOptions"`
		Tags                          []tagShape                    `json:"Tags"`
	}{
		Budgets:                       []struct{}{},
		ProductViewDetail:             prod.viewDetail(),
		ProvisioningArtifactSummaries: []provisioningArtifactSummary{},
		TagOptions:                    []struct{}{},
		Tags:                          []tagShape{},
	}
	for _, a := range prod.artifacts {
		out.ProvisioningArtifactSummaries = append(out.ProvisioningArtifactSummaries, provisioningArtifactSummary{
			CreatedTime: stamp(a.created),
			Description: str(a.description),
			ID:          a.id,
			Name:        a.name,
		})
	}
	return out, nil
}

// artifactReader finds a product for the artifact-reading APIs, which both
// administrators (every artifact) and end users (active artifacts of
// products they can launch) call. It reports whether inactive artifacts are
// visible.
func (c *Catalog) artifactReader(r *wire.Request, id, name string) (*product, bool, error) {
	if prod := c.ownedProduct(r.Region, r.Caller.Account, id, name); prod != nil {
		return prod, true, nil
	}
	prod, _, err := c.endUserProduct(c.state(r.Caller.Account, r.Region), callerPrincipal(r), id, name)
	return prod, false, err
}

func (a *artifact) detail() provisioningArtifactDetail {
	return provisioningArtifactDetail{
		Active:      a.active,
		CreatedTime: stamp(a.created),
		Description: str(a.description),
		Guidance:    a.guidance,
		ID:          a.id,
		Name:        a.name,
		Type:        productTypeCFN,
	}
}

func (c *Catalog) listProvisioningArtifacts(r *wire.Request, in *productIDInput) (any, error) {
	if err := required("ProductId", in.ProductID); err != nil {
		return nil, err
	}
	prod, admin, err := c.artifactReader(r, in.ProductID, "")
	if err != nil {
		return nil, err
	}
	out := struct {
		NextPageToken               *string                      `json:"NextPageToken,omitempty"`
		ProvisioningArtifactDetails []provisioningArtifactDetail `json:"ProvisioningArtifactDetails"`
	}{ProvisioningArtifactDetails: []provisioningArtifactDetail{}}
	for _, a := range prod.artifacts {
		if a.active || admin {
			out.ProvisioningArtifactDetails = append(out.ProvisioningArtifactDetails, a.detail())
		}
	}
	return out, nil
}

func (c *Catalog) describeProvisioningArtifact(r *wire.Request, in *describeArtifactInput) (any, error) {
	if err := exactlyOne("ProductId", in.ProductID, "ProductName", in.ProductName); err != nil {
		return nil, err
	}
	if err := exactlyOne("ProvisioningArtifactId", in.ProvisioningArtifactID, "ProvisioningArtifactName", in.ProvisioningArtifactName); err != nil {
		return nil, err
	}
	prod, admin, err := c.artifactReader(r, in.ProductID, in.ProductName)
	if err != nil {
		return nil, err
	}
	a := findArtifact(prod, in.ProvisioningArtifactID, in.ProvisioningArtifactName, admin)
	if a == nil {
		return nil, notFound("%s not found for product %s.", describe("Provisioning artifact", in.ProvisioningArtifactID, in.ProvisioningArtifactName), prod.id)
	}
	out := struct {
		Info                           map[string]string          `json:"Info,omitempty"`
		ProvisioningArtifactDetail     provisioningArtifactDetail `json:"ProvisioningArtifactDetail"`
		ProvisioningArtifactParameters []artifactParameter        `json:"ProvisioningArtifactParameters,omitempty"`
		Status                         string                     `json:"Status"`
	}{ProvisioningArtifactDetail: a.detail(), Status: "AVAILABLE"}
	if in.Verbose {
		out.Info = map[string]string{"TemplateUrl": fmt.Sprintf("https://s3.amazonaws.com/cf-templates-landfall-%s/%s/%s.template", r.Region, prod.id, a.id)}
	}
	if in.IncludeProvisioningArtifactParameters {
		out.ProvisioningArtifactParameters = a.parameterShapes()
	}
	return out, nil
}

func (a *artifact) parameterShapes() []artifactParameter {
	out := []artifactParameter{}
	for _, p := range a.params {
		out = append(out, artifactParameter{
			DefaultValue: p.Default,
			Description:  str(p.Description),
			IsNoEcho:     p.NoEcho,
			ParameterConstraints: &parameterConstraints{
				AllowedPattern:        str(p.AllowedPattern),
				AllowedValues:         p.AllowedValues,
				ConstraintDescription: str(p.ConstraintDescription),
			},
			ParameterKey:  p.Key,
			ParameterType: p.Type,
		})
	}
	return out
}

func (c *Catalog) listLaunchPaths(r *wire.Request, in *productIDInput) (any, error) {
	if err := required("ProductId", in.ProductID); err != nil {
		return nil, err
	}
	_, paths, err := c.endUserProduct(c.state(r.Caller.Account, r.Region), callerPrincipal(r), in.ProductID, "")
	if err != nil {
		return nil, err
	}
	pg, next, err := page(paths, in.pagedInput, 20)
	if err != nil {
		return nil, err
	}
	out := struct {
		LaunchPathSummaries []launchPathSummary `json:"LaunchPathSummaries"`
		NextPageToken       *string             `json:"NextPageToken,omitempty"`
	}{LaunchPathSummaries: []launchPathSummary{}, NextPageToken: next}
	for _, lp := range pg {
		out.LaunchPathSummaries = append(out.LaunchPathSummaries, launchPathSummary{
			ConstraintSummaries: []constraintSummary{},
			ID:                  lp.id,
			Name:                lp.name,
			Tags:                []tagShape{},
		})
	}
	return out, nil
}

func (c *Catalog) describeProvisioningParameters(r *wire.Request, in *describeParametersInput) (any, error) {
	if err := exactlyOne("ProductId", in.ProductID, "ProductName", in.ProductName); err != nil {
		return nil, err
	}
	if err := exactlyOne("ProvisioningArtifactId", in.ProvisioningArtifactID, "ProvisioningArtifactName", in.ProvisioningArtifactName); err != nil {
		return nil, err
	}
	prod, paths, err := c.endUserProduct(c.state(r.Caller.Account, r.Region), callerPrincipal(r), in.ProductID, in.ProductName)
	if err != nil {
		return nil, err
	}
	a := findArtifact(prod, in.ProvisioningArtifactID, in.ProvisioningArtifactName, false)
	if a == nil {
		return nil, notFound("%s not found for product %s.", describe("Provisioning artifact", in.ProvisioningArtifactID, in.ProvisioningArtifactName), prod.id)
	}
	if _, err := choosePath(prod, paths, in.PathID, in.PathName); err != nil {
		return nil, err
	}
	outputs := []artifactOutput{}
	for _, key := range sortedKeys(a.outputs) {
		outputs = append(outputs, artifactOutput{Key: key})
	}
	return struct {
		ConstraintSummaries             []constraintSummary `json:"ConstraintSummaries"`
		ProvisioningArtifactOutputKeys  []artifactOutput    `json:"ProvisioningArtifactOutputKeys"`
		ProvisioningArtifactOutputs     []artifactOutput    `json:"ProvisioningArtifactOutputs"`
		ProvisioningArtifactParameters  []artifactParameter `json:"ProvisioningArtifactParameters"`
		ProvisioningArtifactPreferences struct{}            `json:"ProvisioningArtifactPreferences"`
		TagOptions                      []struct{}          `json:"TagOptions"`
		UsageInstructions               []struct{}          `json:"UsageInstructions"`
	}{
		ConstraintSummaries:            []constraintSummary{},
		ProvisioningArtifactOutputKeys: outputs,
		ProvisioningArtifactOutputs:    outputs,
		ProvisioningArtifactParameters: a.parameterShapes(),
		TagOptions:                     []struct{}{},
		UsageInstructions:              []struct{}{},
	}, nil
}
