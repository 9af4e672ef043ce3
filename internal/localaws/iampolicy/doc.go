// Package iampolicy is the IAM policy evaluator of the local AWS emulator:
// it parses policy documents (identity-based, resource-based and role trust
// policies) and answers whether a request is allowed, with AWS's reasons.
//
// It models the parts of the IAM policy language Landfall's own policies and
// the policies of the services it calls use, following the IAM User Guide
// ("Policy evaluation logic", "Cross-account policy evaluation logic", the
// JSON element references for Version, Statement, Principal, NotPrincipal,
// Action, NotAction, Resource, NotResource and Condition, "Condition
// operators", "Conditions with multiple context keys or values" and
// "Variables and tags"). Whatever it does not model is refused by Parse with
// an error naming the statement and field, never evaluated by a guess:
//
//   - Condition operators: the String*, Arn*, Bool and Null families, with the
//     IfExists suffix and the ForAnyValue: and ForAllValues: prefixes. The
//     Numeric*, Date*, IpAddress, NotIpAddress and BinaryEquals families are
//     refused.
//   - NotPrincipal only with "Effect": "Deny", its documented use; with Allow it
//     grants everyone but the principals named, which AWS advises against.
//   - Principals: "*", {"AWS": ...} (account ID, account root, user, role,
//     assumed-role session, federated-user session ARNs, or "*"), {"Service":
//     ...} and {"Federated": ...} (parsed; it never matches, the emulator has
//     no federation). No wildcards inside principal names, as in AWS.
//
// Matching rules, as documented by AWS:
//
//   - Actions match case-insensitively, with * and ? wildcards.
//   - Resources and the Arn* operators compare the six colon-separated parts
//     of an ARN (arn:partition:service:region:account:resource) one by one,
//     case-sensitively; * and ? never cross a part boundary except inside the
//     resource part, which may itself hold colons. "*" alone matches anything.
//   - Condition keys are looked up case-insensitively. Several keys or
//     operators in one Condition are ANDed; several values for one key are
//     ORed, and NORed for a negated operator (StringNot*, ArnNot*). A key
//     missing from the request makes a condition false, except for negated
//     operators and ForAllValues (true), IfExists (true) and Null (which
//     tests presence). ForAnyValue is false on a missing key, even negated.
//     A key with several values in the request and no set prefix is treated
//     as ForAnyValue for positive operators and ForAllValues for negated ones
//     (no value may match), which is what a single value reduces to.
//   - Policy variables (Version "2012-10-17" only; a missing Version is the
//     2008 language, where "${...}" is literal text) in the resource part of
//     Resource and NotResource ARNs and in String*, Arn* and Bool condition
//     values: ${key} from the request context (single-valued keys only),
//     ${key, 'default'}, and the escapes ${*}, ${?} and ${$}, whose characters
//     are literal, never wildcards. Substituted values are literal too. A
//     variable with no value and no default makes that one resource or
//     condition value match nothing (so a negated operator holds).
package iampolicy
