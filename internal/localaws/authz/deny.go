package authz

import (
	"net/http"
	"strings"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
	"github.com/landfall/landfall/internal/localaws/identity"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// denied is the refusal of a call IAM does not allow, in the code, status
// and wording its service uses, so the SDKs map it to their typed errors
// and ErrorCode() reads as it would against AWS:
//
//   - STS, CloudFormation (awsQuery): AccessDenied, 403. AssumeRole keeps
//     STS's message, which gives no reason.
//   - SNS (awsQuery): AuthorizationError, 403, spelling the action "SNS:".
//   - SQS (awsJson1_0, awsQueryCompatible): AccessDeniedException with
//     x-amzn-query-error AccessDenied, 403; the SDK reports AccessDenied.
//   - Lambda, Account Management (restJson1): AccessDeniedException, 403.
//   - Organizations, Service Catalog (awsJson1_1): AccessDeniedException, 400.
func denied(r *wire.Request, req iampolicy.Request, d iampolicy.Decision) *wire.Error {
	caller := r.Caller.ARN
	switch r.Service {
	case "sts":
		if r.Operation == "AssumeRole" {
			return identity.AssumeRoleDenied(r.Caller, r.Form.Get("RoleArn"))
		}
		return wire.AccessDenied(iampolicy.AccessDeniedMessage(caller, req, d))
	case "cloudformation":
		return wire.AccessDenied(iampolicy.AccessDeniedMessage(caller, req, d))
	case "sns":
		req.Action = "SNS:" + strings.TrimPrefix(req.Action, "sns:")
		d.Reason = strings.ReplaceAll(d.Reason, " sns:", " SNS:")
		return &wire.Error{Code: "AuthorizationError", Message: iampolicy.AccessDeniedMessage(caller, req, d), Status: http.StatusForbidden}
	case "sqs":
		return &wire.Error{Code: "AccessDeniedException", QueryCode: "AccessDenied", Message: iampolicy.AccessDeniedMessage(caller, req, d), Status: http.StatusForbidden}
	case "lambda", "account":
		return &wire.Error{Code: "AccessDeniedException", Message: iampolicy.AccessDeniedMessage(caller, req, d), Status: http.StatusForbidden}
	}
	return &wire.Error{Code: "AccessDeniedException", Message: iampolicy.AccessDeniedMessage(caller, req, d)}
}
