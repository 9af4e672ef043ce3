package catalog

import (
	"time"

	"github.com/landfall/landfall/internal/region"
)

// Record types and statuses as the API reports them.
const (
	recordProvision = "PROVISION_PRODUCT"
	recordUpdate    = "UPDATE_PROVISIONED_PRODUCT"
	recordTerminate = "TERMINATE_PROVISIONED_PRODUCT"

	statusCreated      = "CREATED"
	statusInProgress   = "IN_PROGRESS"
	statusInError      = "IN_PROGRESS_IN_ERROR"
	statusSucceeded    = "SUCCEEDED"
	statusFailed       = "FAILED"
	ppAvailable        = "AVAILABLE"
	ppUnderChange      = "UNDER_CHANGE"
	ppTainted          = "TAINTED"
	ppError            = "ERROR"
	provisionedCFN     = "CFN_STACK"
	createdPhase       = time.Second
	rollbackShare      = 5 // the last 1/rollbackShare of a failing run is IN_PROGRESS_IN_ERROR
	defaultTermination = time.Minute
)

// provisioned is a provisioned product. Its status is not stored: it follows
// from its records and the time asked about, so a manual clock drives the
// lifecycle without any background work.
type provisioned struct {
	id, name, arn, token string
	physicalID           string
	product              *product
	created              time.Time
	userARN, session     string
	records              []*record
}

// record is one request on a provisioned product, with everything needed to
// tell its status at any time.
type record struct {
	id, typ  string
	pp       *provisioned
	artifact *artifact
	path     *launchPath
	params   map[string]string
	// tags is nil when the request did not set tags (an update keeps the
	// previous ones).
	tags      []tagShape
	start     time.Time
	duration  time.Duration
	failed    bool
	errorText string
	userARN   string
	session   string
}

// phase returns the record's status at now and when it last changed.
func (rec *record) phase(now time.Time) (string, time.Time) {
	end := rec.start.Add(rec.duration)
	inProgress := rec.start.Add(min(createdPhase, rec.duration))
	switch {
	case now.Before(inProgress):
		return statusCreated, rec.start
	case !rec.failed && now.Before(end):
		return statusInProgress, inProgress
	case !rec.failed:
		return statusSucceeded, end
	}
	rollback := end.Add(-rec.duration / rollbackShare)
	if rollback.Before(inProgress) {
		rollback = inProgress
	}
	switch {
	case now.Before(rollback):
		return statusInProgress, inProgress
	case now.Before(end):
		return statusInError, rollback
	default:
		return statusFailed, end
	}
}

func terminal(status string) bool {
	return status == statusSucceeded || status == statusFailed
}

func (rec *record) errors(now time.Time) []recordError {
	status, _ := rec.phase(now)
	if status != statusInError && status != statusFailed {
		return []recordError{}
	}
	code := "CREATE_FAILED"
	switch rec.typ {
	case recordUpdate:
		code = "UPDATE_FAILED"
	case recordTerminate:
		code = "DELETE_FAILED"
	}
	return []recordError{{Code: code, Description: rec.errorText}}
}

func (rec *record) detail(now time.Time) recordDetail {
	status, updated := rec.phase(now)
	tags := rec.tags
	if tags == nil {
		tags = []tagShape{}
	}
	d := recordDetail{
		CreatedTime:            stamp(rec.start),
		ProductID:              rec.pp.product.id,
		ProvisionedProductID:   rec.pp.id,
		ProvisionedProductName: rec.pp.name,
		ProvisionedProductType: provisionedCFN,
		ProvisioningArtifactID: rec.artifact.id,
		RecordErrors:           rec.errors(now),
		RecordID:               rec.id,
		RecordTags:             tags,
		RecordType:             rec.typ,
		Status:                 status,
		UpdatedTime:            stamp(updated),
	}
	if rec.path != nil {
		d.PathID = str(rec.path.id)
	}
	return d
}

// outputs returns the stack outputs of a succeeded provisioning or update,
// with ${...} references resolved as Fn::Sub would.
func (rec *record) outputs(account, reg string) map[string]string {
	out := map[string]string{}
	for key, value := range rec.artifact.outputs {
		out[key] = substitutionRe.ReplaceAllStringFunc(value, func(ref string) string {
			name := ref[2 : len(ref)-1]
			switch name {
			case "AWS::AccountId":
				return account
			case "AWS::Region":
				return reg
			case "AWS::Partition":
				return region.Partition(reg)
			case "AWS::StackName":
				return stackName(account, rec.pp.id)
			}
			return rec.params[name]
		})
	}
	return out
}

// ppState is a provisioned product as of some time.
type ppState struct {
	status, message  string
	artifact         *artifact
	path             *launchPath
	params           map[string]string
	tags             []tagShape
	last, lastProv   *record
	lastSuccess      *record
	terminated       bool
	terminating      bool
	inProgressRecord *record
}

// at folds the product's records into its state at now.
func (pp *provisioned) at(now time.Time) ppState {
	var s ppState
	for _, rec := range pp.records {
		status, _ := rec.phase(now)
		s.last = rec
		if rec.typ != recordTerminate {
			s.lastProv = rec
		}
		if rec.typ == recordProvision {
			// A product shows the version it is being created with from the start.
			s.artifact, s.path, s.params, s.tags = rec.artifact, rec.path, rec.params, rec.tags
		}
		if !terminal(status) {
			s.status, s.message = ppUnderChange, ""
			s.inProgressRecord = rec
			s.terminating = rec.typ == recordTerminate
			continue
		}
		s.inProgressRecord = nil
		switch {
		case rec.typ == recordTerminate && status == statusSucceeded:
			s.terminated = true
		case rec.typ == recordTerminate:
			// The stack could not be deleted: the product stays, in
			// ERROR, until a termination succeeds (or IgnoreErrors).
			s.status, s.message = ppError, rec.errorText
		case status == statusSucceeded:
			s.status, s.message = ppAvailable, ""
			s.lastSuccess = rec
			s.artifact, s.path, s.params = rec.artifact, rec.path, rec.params
			if rec.tags != nil {
				s.tags = rec.tags
			}
		case rec.typ == recordProvision:
			s.status, s.message = ppError, rec.errorText
		default:
			// A failed update rolls the stack back to what it was.
			s.status, s.message = ppTainted, rec.errorText
		}
	}
	return s
}

func (pp *provisioned) detail(now time.Time) provisionedProductDetail {
	s := pp.at(now)
	d := provisionedProductDetail{
		Arn:                    pp.arn,
		CreatedTime:            stamp(pp.created),
		ID:                     pp.id,
		IdempotencyToken:       pp.token,
		LastRecordID:           s.last.id,
		Name:                   pp.name,
		ProductID:              pp.product.id,
		ProvisioningArtifactID: s.artifact.id,
		Status:                 s.status,
		StatusMessage:          str(s.message),
		Type:                   provisionedCFN,
	}
	if s.lastProv != nil {
		d.LastProvisioningRecordID = str(s.lastProv.id)
	}
	if s.lastSuccess != nil {
		d.LastSuccessfulProvisioningRecordID = str(s.lastSuccess.id)
	}
	return d
}

func (pp *provisioned) attribute(now time.Time) provisionedProductAttribute {
	s := pp.at(now)
	d := pp.detail(now)
	tags := s.tags
	if tags == nil {
		tags = []tagShape{}
	}
	return provisionedProductAttribute{
		Arn:                                d.Arn,
		CreatedTime:                        d.CreatedTime,
		ID:                                 d.ID,
		IdempotencyToken:                   d.IdempotencyToken,
		LastProvisioningRecordID:           d.LastProvisioningRecordID,
		LastRecordID:                       d.LastRecordID,
		LastSuccessfulProvisioningRecordID: d.LastSuccessfulProvisioningRecordID,
		Name:                               d.Name,
		PhysicalID:                         pp.physicalID,
		ProductID:                          d.ProductID,
		ProductName:                        pp.product.name,
		ProvisioningArtifactID:             d.ProvisioningArtifactID,
		ProvisioningArtifactName:           s.artifact.name,
		Status:                             d.Status,
		StatusMessage:                      d.StatusMessage,
		Tags:                               tags,
		Type:                               d.Type,
		UserArn:                            pp.userARN,
		UserArnSession:                     pp.session,
	}
}

// outcome tells how provisioning or updating to a plays out in account;
// errText is empty when the spec leaves the failure text to the caller.
func (a *artifact) outcome(account string) (failed bool, errText string, d time.Duration) {
	prov := a.prov
	outcome, errText, d := prov.Outcome, prov.Error, prov.Duration
	if o, ok := prov.Accounts[account]; ok {
		if o.Outcome != "" {
			outcome = o.Outcome
		}
		if o.Error != "" {
			errText = o.Error
		}
		if o.Duration > 0 {
			d = o.Duration
		}
	}
	if d <= 0 {
		d = defaultDuration
	}
	return outcome == outcomeFailed, errText, d
}

// terminateOutcome tells how terminating a product on a plays out in
// account; errText is empty when the spec leaves the failure text to the
// caller.
func (a *artifact) terminateOutcome(account string) (failed bool, errText string) {
	outcome, errText := a.prov.TerminateOutcome, a.prov.TerminateError
	if o, ok := a.prov.Accounts[account]; ok {
		if o.TerminateOutcome != "" {
			outcome = o.TerminateOutcome
		}
		if o.TerminateError != "" {
			errText = o.TerminateError
		}
	}
	return outcome == outcomeFailed, errText
}

func (a *artifact) terminateDuration() time.Duration {
	if a.prov.TerminateDuration > 0 {
		return a.prov.TerminateDuration
	}
	return defaultTermination
}

func stackName(account, ppID string) string {
	return "SC-" + account + "-" + ppID
}

// live returns the account's provisioned products that still exist at now,
// in creation order.
func (st *accountState) live(now time.Time) []*provisioned {
	var out []*provisioned
	for _, pp := range st.products {
		if !pp.at(now).terminated {
			out = append(out, pp)
		}
	}
	return out
}

// findProvisioned finds a live provisioned product by ID or name.
func (st *accountState) findProvisioned(id, name string, now time.Time) *provisioned {
	for _, pp := range st.live(now) {
		if (id != "" && pp.id == id) || (id == "" && pp.name == name) {
			return pp
		}
	}
	return nil
}
