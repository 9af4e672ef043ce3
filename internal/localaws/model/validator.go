package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// Validator checks every request against its operation's model before the
// operation runs, and answers violations the way each service does:
//
//   - Service Catalog, Lambda: ValidationException, "1 validation error
//     detected: Value 'x' at 'productId' failed to satisfy constraint:
//     Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\-]*".
//     Service Catalog's model lists InvalidParametersException, but that is
//     its answer to inputs that are well-formed and wrong; malformed
//     identifiers and names are refused with ValidationException (AFT#103).
//   - Organizations: InvalidInputException, whose Reason names the kind of
//     violation (INPUT_REQUIRED, INVALID_PATTERN, MAX_LENGTH_EXCEEDED,
//     INVALID_ENUM, MIN_VALUE_EXCEEDED, ...): Organizations models its
//     input validation in that error, and has no ValidationException.
//     ConstraintViolationException is about organization limits, not input.
//   - STS, CloudFormation (awsQuery): ValidationError with the same
//     message; a missing required parameter is STS's MissingParameter.
//   - SNS (awsQuery): InvalidParameter, "Invalid parameter: <Member>
//     Reason: ...", as SNS words every parameter error.
//   - SQS (awsJson1_0, query-compatible): MissingParameter for a missing
//     member, InvalidAttributeName for an attribute name outside the model's
//     enums, InvalidParameterValue otherwise, each with its query code.
//   - Account Management (restJson1): ValidationException. A value outside
//     an enum is worded as its JSON-schema validation words it, captured
//     from the real API: [instance value ("enabled") not found in enum
//     (possible values: ["ENABLED",...])], without reason or fieldList;
//     other violations use the common wording above (AWS's is not known).
//
// It implements wire.Validator and is safe for concurrent use.
type Validator struct {
	services map[string]*Service
}

var _ wire.Validator = (*Validator)(nil)

// NewValidator loads the embedded models.
func NewValidator() (*Validator, error) {
	services, err := Load()
	if err != nil {
		return nil, err
	}
	return &Validator{services: services}, nil
}

// Services returns the models the validator checks against, by signing name.
func (v *Validator) Services() map[string]*Service { return v.services }

// Validate implements wire.Validator: nil, or the service's error for the
// request's violations.
func (v *Validator) Validate(r *wire.Request) error {
	s := v.services[r.Service]
	if s == nil {
		return nil
	}
	input := s.Operations[r.Operation]
	if input == "" {
		return nil
	}
	doc, ok := s.document(r, input)
	if !ok {
		return nil
	}
	vs := s.Check(r.Operation, doc)
	if len(vs) == 0 {
		return nil
	}
	return refuse(r.Service, vs)
}

// Refusal returns the error service answers for violations vs (at least one).
func refuse(service string, vs []Violation) *wire.Error {
	switch service {
	case "organizations":
		return &wire.Error{Code: "InvalidInputException", Message: message(vs), Fields: map[string]any{"Reason": orgReason(vs[0])}}
	case "sts", "cloudformation":
		if vs[0].Kind == KindRequired && service == "sts" {
			return &wire.Error{Code: "MissingParameter", Message: "The request must contain the parameter " + vs[0].Member + "."}
		}
		return wire.Validation(message(vs))
	case "sns":
		first := vs[0]
		reason := first.Constraint
		if first.Kind == KindRequired {
			reason = "no value for required parameter"
		}
		return &wire.Error{Code: "InvalidParameter", Message: fmt.Sprintf("Invalid parameter: %s Reason: %s", snsName(first.Path), reason)}
	case "sqs":
		first := vs[0]
		switch first.Kind {
		case KindRequired:
			return &wire.Error{Code: "MissingParameter", QueryCode: "MissingParameter", Message: "The request must contain the parameter " + first.Member + "."}
		case KindEnum, KindKey:
			return &wire.Error{Code: "InvalidAttributeName", QueryCode: "InvalidAttributeName", Message: "Unknown Attribute " + attributeName(first) + "."}
		}
		return &wire.Error{Code: "InvalidParameterValue", QueryCode: "InvalidParameterValue", Message: message(vs)}
	case "account":
		if first := vs[0]; first.Kind == KindEnum {
			return &wire.Error{Code: "ValidationException", Message: enumMessage(first)}
		}
		return &wire.Error{Code: "ValidationException", Message: message(vs)}
	default: // servicecatalog, lambda
		return &wire.Error{Code: "ValidationException", Message: message(vs)}
	}
}

// message is AWS's "N validation error(s) detected: ...; ..." text.
func message(vs []Violation) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	plural := "s"
	if len(vs) == 1 {
		plural = ""
	}
	return fmt.Sprintf("%d validation error%s detected: %s", len(vs), plural, strings.Join(parts, "; "))
}

func orgReason(v Violation) string {
	switch v.Kind {
	case KindRequired:
		return "INPUT_REQUIRED"
	case KindMinLength:
		return "MIN_LENGTH_EXCEEDED"
	case KindMaxLength:
		return "MAX_LENGTH_EXCEEDED"
	case KindPattern:
		return "INVALID_PATTERN"
	case KindEnum, KindKey:
		return "INVALID_ENUM"
	case KindMinValue:
		return "MIN_VALUE_EXCEEDED"
	default:
		return "MAX_VALUE_EXCEEDED"
	}
}

// enumMessage words an enum violation as Account Management's request
// validation does. The allowed values are those the constraint lists
// ("Member must satisfy enum value set: [A, B]"), in the model's order.
func enumMessage(v Violation) string {
	_, list, _ := strings.Cut(v.Constraint, "[")
	list = strings.TrimSuffix(list, "]")
	values := strings.Split(list, ", ")
	for i, a := range values {
		values[i] = strconv.Quote(a)
	}
	return fmt.Sprintf("[instance value (%s) not found in enum (possible values: [%s])]", strconv.Quote(formatValue(v.Value)), strings.Join(values, ","))
}

// snsName spells a path the way SNS names parameters, as the query
// protocol does: tags.1.member.key is Tags.member.1.Key.
func snsName(path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		switch {
		case p == "member" && i > 0:
			parts[i-1], parts[i] = "member", parts[i-1]
		case p != "" && (p[0] < '0' || p[0] > '9'):
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, ".")
}

// attributeName is the attribute name an SQS enum violation is about: the
// value itself, or the offending key of an attribute map.
func attributeName(v Violation) string {
	if v.Kind == KindKey {
		return v.Key
	}
	return formatValue(v.Value)
}
