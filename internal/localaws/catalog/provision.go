package catalog

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

var (
	tokenRe  = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]*$`)
	ppNameRe = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$`)
	tagRe    = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

const maxTags = 50

func checkToken(field string, token *string) (string, error) {
	switch {
	case token == nil || *token == "":
		return "", invalidParams("%s is required", field)
	case len(*token) > 128 || !tokenRe.MatchString(*token):
		return "", invalidParams("%s %q must be 1 to 128 characters matching [a-zA-Z0-9][a-zA-Z0-9_-]*", field, *token)
	}
	return *token, nil
}

// checkTags validates tags as AWS does: at most 50, keys 1-128 and values
// 0-256 characters of letters, digits, spaces and _.:/=+-@, no aws: prefix,
// no key twice.
func checkTags(in []tagInput) ([]tagShape, error) {
	if len(in) > maxTags {
		return nil, invalidParams("%d tags given; at most %d are allowed", len(in), maxTags)
	}
	out := []tagShape{}
	seen := map[string]bool{}
	for i, t := range in {
		switch {
		case t.Key == nil || *t.Key == "":
			return nil, invalidParams("Tags[%d].Key is required", i)
		case t.Value == nil:
			return nil, invalidParams("Tags[%d].Value is required (it may be empty)", i)
		case utf8.RuneCountInString(*t.Key) > 128 || !tagRe.MatchString(*t.Key):
			return nil, invalidParams("Tag key %q must be 1 to 128 letters, digits, spaces or _.:/=+-@", *t.Key)
		case strings.HasPrefix(strings.ToLower(*t.Key), "aws:"):
			return nil, invalidParams("Tag key %q uses the reserved prefix aws:", *t.Key)
		case utf8.RuneCountInString(*t.Value) > 256 || !tagRe.MatchString(*t.Value):
			return nil, invalidParams("Tag value %q for key %q must be at most 256 letters, digits, spaces or _.:/=+-@", *t.Value, *t.Key)
		case seen[*t.Key]:
			return nil, invalidParams("Tag key %q is given twice", *t.Key)
		}
		seen[*t.Key] = true
		out = append(out, tagShape{Key: *t.Key, Value: *t.Value})
	}
	return out, nil
}

// resolveParameters checks the launch parameters against the template with
// CloudFormation's rules and messages, and returns every parameter's value.
// previous holds the values of the product being updated (nil for a new
// launch): an update that omits a parameter keeps its previous value.
func resolveParameters(a *artifact, given []parameterInput, previous map[string]string) (map[string]string, error) {
	values := map[string]*string{}
	var unknown []string
	for i, p := range given {
		if p.Key == nil || *p.Key == "" {
			return nil, invalidParams("ProvisioningParameters[%d].Key is required", i)
		}
		key := *p.Key
		if _, dup := values[key]; dup {
			return nil, invalidParams("Parameter '%s' is specified more than once", key)
		}
		if !slices.ContainsFunc(a.params, func(pm parameter) bool { return pm.Key == key }) {
			unknown = append(unknown, key)
			continue
		}
		switch {
		case p.UsePreviousValue:
			prev, ok := previous[key]
			if !ok {
				return nil, invalidParams("Parameter '%s' has no previous value to use", key)
			}
			values[key] = &prev
		case p.Value != nil:
			values[key] = p.Value
		default:
			values[key] = nil
		}
	}
	if len(unknown) > 0 {
		return nil, invalidParams("Parameters: [%s] do not exist in the template", strings.Join(unknown, ", "))
	}
	out := map[string]string{}
	var missing []string
	for _, pm := range a.params {
		if v := values[pm.Key]; v != nil {
			out[pm.Key] = *v
			continue
		}
		if prev, ok := previous[pm.Key]; ok {
			out[pm.Key] = prev
			continue
		}
		if pm.Default != nil {
			out[pm.Key] = *pm.Default
			continue
		}
		missing = append(missing, pm.Key)
	}
	if len(missing) > 0 {
		return nil, invalidParams("Parameters: [%s] must have values", strings.Join(missing, ", "))
	}
	for _, pm := range a.params {
		v := out[pm.Key]
		if len(pm.AllowedValues) > 0 && !slices.Contains(pm.AllowedValues, v) {
			return nil, invalidParams("Parameter '%s' must be one of AllowedValues", pm.Key)
		}
		if pm.pattern != nil && !pm.pattern.MatchString(v) {
			return nil, invalidParams("Parameter '%s' must match pattern %s", pm.Key, pm.AllowedPattern)
		}
		if pm.Type == "Number" {
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return nil, invalidParams("Parameter '%s' must be a number", pm.Key)
			}
		}
	}
	return out, nil
}

// launchableArtifact finds the version to launch or update to: it must exist
// for end users (be active) and not be deprecated.
func launchableArtifact(prod *product, id, name string) (*artifact, error) {
	if err := exactlyOne("ProvisioningArtifactId", id, "ProvisioningArtifactName", name); err != nil {
		return nil, err
	}
	a := findArtifact(prod, id, name, false)
	switch {
	case a == nil:
		return nil, invalidParams("%s does not exist or is not active for product %s", describe("Provisioning artifact", id, name), prod.id)
	case a.guidance == guidanceDeprecated:
		return nil, invalidParams("Provisioning artifact %s (%s) of product %s is DEPRECATED and cannot be used to provision; choose a DEFAULT version", a.id, a.name, prod.id)
	}
	return a, nil
}

func (c *Catalog) provisionProduct(r *wire.Request, in *provisionInput) (any, error) {
	token, err := checkToken("ProvisionToken", in.ProvisionToken)
	if err != nil {
		return nil, err
	}
	name := ""
	if in.ProvisionedProductName != nil {
		name = *in.ProvisionedProductName
	}
	if !ppNameRe.MatchString(name) {
		return nil, invalidParams("ProvisionedProductName %q must be 1 to 128 characters matching [a-zA-Z0-9][a-zA-Z0-9._-]*", name)
	}
	tags, err := checkTags(in.Tags)
	if err != nil {
		return nil, err
	}
	if err := exactlyOne("ProductId", in.ProductID, "ProductName", in.ProductName); err != nil {
		return nil, err
	}
	if err := exactlyOne("ProvisioningArtifactId", in.ProvisioningArtifactID, "ProvisioningArtifactName", in.ProvisioningArtifactName); err != nil {
		return nil, err
	}
	st := c.state(r.Caller.Account, r.Region)
	if rec, ok := st.provisionTokens[token]; ok {
		// The same token returns the same record, for the same request. A
		// token reused for another product name is a caller bug: say so
		// rather than hand back another product's record.
		if rec.pp.name != name {
			return nil, invalidParams("ProvisionToken %s was already used to provision %s; use a new token for %s", token, rec.pp.name, name)
		}
		return struct {
			RecordDetail recordDetail `json:"RecordDetail"`
		}{rec.detail(r.Now)}, nil
	}
	prod, paths, err := c.endUserProduct(st, callerPrincipal(r), in.ProductID, in.ProductName)
	if err != nil {
		return nil, err
	}
	a, err := launchableArtifact(prod, in.ProvisioningArtifactID, in.ProvisioningArtifactName)
	if err != nil {
		return nil, err
	}
	path, err := choosePath(prod, paths, in.PathID, in.PathName)
	if err != nil {
		return nil, err
	}
	params, err := resolveParameters(a, in.ProvisioningParameters, nil)
	if err != nil {
		return nil, err
	}
	if st.findProvisioned("", name, r.Now) != nil {
		return nil, invalidParams("A stack named %s already exists.", name)
	}

	ppID := st.nextID("pp-")
	pp := &provisioned{
		id:         ppID,
		name:       name,
		arn:        fmt.Sprintf("arn:%s:servicecatalog:%s:%s:stack/%s/%s", region.Partition(r.Region), r.Region, r.Caller.Account, name, ppID),
		token:      token,
		physicalID: fmt.Sprintf("arn:%s:cloudformation:%s:%s:stack/%s/%s", region.Partition(r.Region), r.Region, r.Caller.Account, stackName(r.Caller.Account, ppID), generatedID("", r.Caller.Account, r.Region, ppID)),
		product:    prod,
		created:    r.Now,
		userARN:    callerPrincipal(r),
		session:    r.Caller.ARN,
	}
	failed, errText, d := a.outcome(r.Caller.Account)
	if failed && errText == "" {
		errText = fmt.Sprintf("The following resource(s) failed to create: [%s]. Stack %s could not be created from version %s.", "Resources", stackName(r.Caller.Account, ppID), a.name)
	}
	rec := c.addRecord(st, pp, &record{
		typ: recordProvision, artifact: a, path: path, params: params, tags: tags,
		start: r.Now, duration: d, failed: failed, errorText: errText,
	}, r)
	st.products = append(st.products, pp)
	st.provisionTokens[token] = rec
	return struct {
		RecordDetail recordDetail `json:"RecordDetail"`
	}{rec.detail(r.Now)}, nil
}

// addRecord gives rec an ID, links it to pp and indexes it.
func (c *Catalog) addRecord(st *accountState, pp *provisioned, rec *record, r *wire.Request) *record {
	rec.id = st.nextID("rec-")
	rec.pp = pp
	rec.userARN = callerPrincipal(r)
	rec.session = r.Caller.ARN
	pp.records = append(pp.records, rec)
	st.records = append(st.records, rec)
	st.recordByID[rec.id] = rec
	return rec
}

func (c *Catalog) updateProvisionedProduct(r *wire.Request, in *updateInput) (any, error) {
	token, err := checkToken("UpdateToken", in.UpdateToken)
	if err != nil {
		return nil, err
	}
	if err := exactlyOne("ProvisionedProductId", in.ProvisionedProductID, "ProvisionedProductName", in.ProvisionedProductName); err != nil {
		return nil, err
	}
	if in.ProductID != "" && in.ProductName != "" {
		return nil, invalidParams("Specify either ProductId or ProductName, not both")
	}
	if in.ProvisioningArtifactID != "" && in.ProvisioningArtifactName != "" {
		return nil, invalidParams("Specify either ProvisioningArtifactId or ProvisioningArtifactName, not both")
	}
	var tags []tagShape
	if in.Tags != nil {
		if tags, err = checkTags(in.Tags); err != nil {
			return nil, err
		}
	}
	st := c.state(r.Caller.Account, r.Region)
	if rec, ok := st.updateTokens[token]; ok {
		return struct {
			RecordDetail recordDetail `json:"RecordDetail"`
		}{rec.detail(r.Now)}, nil
	}
	pp := st.findProvisioned(in.ProvisionedProductID, in.ProvisionedProductName, r.Now)
	if pp == nil {
		return nil, notFound("%s not found.", describe("Provisioned product", in.ProvisionedProductID, in.ProvisionedProductName))
	}
	cur := pp.at(r.Now)
	if cur.status == ppUnderChange {
		// The SDK's error list for Update and Terminate has no
		// InvalidStateException: AWS answers InvalidParametersException.
		return nil, invalidParams("Provisioned product %s is UNDER_CHANGE (record %s); wait until the current operation finishes", pp.id, cur.last.id)
	}
	if (in.ProductID != "" && in.ProductID != pp.product.id) || (in.ProductName != "" && in.ProductName != pp.product.name) {
		return nil, invalidParams("Provisioned product %s was launched from product %s; it cannot be updated to another product", pp.id, pp.product.id)
	}
	prod, paths, err := c.endUserProduct(st, callerPrincipal(r), pp.product.id, "")
	if err != nil {
		return nil, err
	}
	a := cur.artifact
	if in.ProvisioningArtifactID != "" || in.ProvisioningArtifactName != "" {
		same := (in.ProvisioningArtifactID != "" && in.ProvisioningArtifactID == a.id) ||
			(in.ProvisioningArtifactName != "" && in.ProvisioningArtifactName == a.name)
		// Staying on the current version is always allowed (a parameter
		// change); moving to a deprecated or inactive one is not.
		if !same {
			if a, err = launchableArtifact(prod, in.ProvisioningArtifactID, in.ProvisioningArtifactName); err != nil {
				return nil, err
			}
		}
	}
	path := cur.path
	if in.PathID != "" || in.PathName != "" {
		if path, err = choosePath(prod, paths, in.PathID, in.PathName); err != nil {
			return nil, err
		}
	}
	params, err := resolveParameters(a, in.ProvisioningParameters, cur.params)
	if err != nil {
		return nil, err
	}
	failed, errText, d := a.outcome(r.Caller.Account)
	if failed && errText == "" {
		errText = fmt.Sprintf("Update of stack %s to version %s failed; the stack was rolled back.", stackName(r.Caller.Account, pp.id), a.name)
	}
	if cur.lastSuccess == nil {
		// Its first launch failed: the stack rolled back and CloudFormation
		// refuses to update it. Only terminating and launching again helps.
		failed, errText = true, fmt.Sprintf("Stack %s is in ROLLBACK_COMPLETE state and can not be updated.", stackName(r.Caller.Account, pp.id))
	}
	rec := c.addRecord(st, pp, &record{
		typ: recordUpdate, artifact: a, path: path, params: params, tags: tags,
		start: r.Now, duration: d, failed: failed, errorText: errText,
	}, r)
	st.updateTokens[token] = rec
	return struct {
		RecordDetail recordDetail `json:"RecordDetail"`
	}{rec.detail(r.Now)}, nil
}

func (c *Catalog) terminateProvisionedProduct(r *wire.Request, in *terminateInput) (any, error) {
	token, err := checkToken("TerminateToken", in.TerminateToken)
	if err != nil {
		return nil, err
	}
	if err := exactlyOne("ProvisionedProductId", in.ProvisionedProductID, "ProvisionedProductName", in.ProvisionedProductName); err != nil {
		return nil, err
	}
	st := c.state(r.Caller.Account, r.Region)
	// After termination the product is gone, and so every request about it
	// (the same token included) answers ResourceNotFound, as AWS documents.
	pp := st.findProvisioned(in.ProvisionedProductID, in.ProvisionedProductName, r.Now)
	if pp == nil {
		return nil, notFound("%s not found.", describe("Provisioned product", in.ProvisionedProductID, in.ProvisionedProductName))
	}
	if rec, ok := st.terminateTokens[token]; ok {
		// The same token returns the same record while the termination
		// runs (or failed); a token reused for another product is a
		// caller bug, said as such rather than answered with another
		// product's record, as for ProvisionToken.
		if rec.pp != pp {
			return nil, invalidParams("TerminateToken %s was already used to terminate %s; use a new token for %s", token, rec.pp.id, pp.id)
		}
		return struct {
			RecordDetail recordDetail `json:"RecordDetail"`
		}{rec.detail(r.Now)}, nil
	}
	cur := pp.at(r.Now)
	if cur.status == ppUnderChange {
		// The SDK's error list for Update and Terminate has no
		// InvalidStateException: AWS answers InvalidParametersException.
		return nil, invalidParams("Provisioned product %s is UNDER_CHANGE (record %s); wait until the current operation finishes", pp.id, cur.last.id)
	}
	failed, errText := cur.artifact.terminateOutcome(r.Caller.Account)
	if in.IgnoreErrors || in.RetainPhysicalResources {
		// IgnoreErrors: Service Catalog stops managing the product even if
		// it cannot delete the resources. RetainPhysicalResources: nothing
		// is deleted, so nothing can fail to be.
		failed = false
	}
	if failed && errText == "" {
		errText = fmt.Sprintf("Stack %s could not be deleted: the following resource(s) failed to delete: [Resources].", stackName(r.Caller.Account, pp.id))
	}
	rec := c.addRecord(st, pp, &record{
		typ: recordTerminate, artifact: cur.artifact, path: cur.path, params: maps.Clone(cur.params),
		start: r.Now, duration: cur.artifact.terminateDuration(), failed: failed, errorText: errText,
	}, r)
	st.terminateTokens[token] = rec
	return struct {
		RecordDetail recordDetail `json:"RecordDetail"`
	}{rec.detail(r.Now)}, nil
}
