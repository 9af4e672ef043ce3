// Package plan reads and validates the platform team's plan: a YAML file saying
// which Service Catalog products every account gets, in which regions, on which
// version and with which (templated) parameters and tags. example.yaml
// (Example) is the annotated reference.
//
// The same validation runs everywhere the plan is used (Lambda cold start, CDK
// synth, `landfall validate`), so a plan that passes `landfall validate` is one
// the functions accept. Parse reports every problem at once, each with its
// path and line. A parsed *Plan is immutable and safe for concurrent use;
// treat its exported maps and slices as read-only.
//
// # Selection
//
// An account gets anything only if the plan selects it: the management
// account never unless includeManagementAccount is set; then, if include
// names anything, the account must match it; then it must not match exclude.
// A product's own include and exclude narrow that further. A selector matches
// an account by OU (ID or exact name; nested OUs too unless recursive is
// false, as with StackSets), by account ID, by account name glob
// (path.Match), or by Organizations tags (every key of the tags clause, any
// of a key's values; accounttags.go). Every decision comes with a reason
// naming the plan entry that made it (`excluded by exclude.ous "Security"`).
// An account whose tags were not read is placed nowhere by a plan that
// selects by tag.
//
// # Dependencies
//
// dependsOn orders products within one account and region: the dependent is
// provisioned after its dependencies there. So a dependency must be planned
// in every region of its dependent (Parse rejects the plan otherwise), cycles
// are rejected naming the cycle, and when product selectors leave a
// dependency out for an account, the dependent is left out too (it would wait
// forever). A dependency left out only by an operator's Filter is assumed to
// be in place already. Levels groups keys into stages for parallel runs.
//
// # Templates
//
// Parameter and tag values are templates in Go's template syntax over
// RenderData, parsed by text/template/parse and run by the plan's own
// evaluator (render.go, eval.go), which gives text/template's output and
// error messages (with missingkey=error) without its reflection
// (differential_test.go holds the two to the same results). The subset
// (subset.go): text, actions, pipelines, variables, if, with and range (with
// else, else if, break and continue), fields, the plan's functions octet,
// lower, upper, replace, trimPrefix, default, tagsafe and inOU (the funcs
// table in template.go), and the built-ins and, or, not, len, index, slice,
// print, printf, println, eq, ne, lt, le, gt and ge (builtins.go). Refused at
// validation, with what to use instead: define, template and block (a value
// is one template), nil, complex numbers, and the built-ins call, html, js
// and urlquery. Parse checks every field and value a template names, then
// executes it against a sample account in each of its regions, so a template
// that cannot work fails validation rather than a run.
//
// # Regional IDs
//
// Portfolio, product and artifact IDs differ per region. Portfolios are given
// per region; a product given by ID (prod-…) or a version given by artifact ID
// (pa-…) must target exactly one region. Names work in every region.
//
// Top-level keys starting with x- are ignored, so they can hold YAML anchors
// that products alias (*name) or merge (<<: *name).
package plan
