package manual

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/region"
	"github.com/landfall/landfall/internal/suggest"
)

// validator collects value and combination problems.
type validator struct {
	bad      map[string]bool
	problems []error
}

func (v *validator) add(e *FieldError) {
	v.problems = append(v.problems, e)
}

// selector is one of the mutually exclusive ways to select accounts.
type selector struct {
	key   string
	given bool
}

// selection checks that exactly one selector is given. field is "" for the
// payload and "status" for a status query.
func (v *validator) selection(field string, sels []selector) {
	if v.bad[field] && field != "" {
		return
	}
	var given, all []string
	for _, s := range sels {
		name := strconv.Quote(s.key)
		if s.key == "all" {
			name += ": true"
		}
		all = append(all, name)
		if s.given {
			given = append(given, strconv.Quote(s.key))
		}
	}
	fix := "give exactly one of " + suggest.OrList(all)
	if field != "" {
		fix += " inside it"
	}
	switch {
	case len(given) == 0:
		v.add(&FieldError{Field: field, Problem: "selects nothing", Fix: fix})
	case len(given) > 1:
		v.add(&FieldError{
			Field: field, Problem: "gives " + suggest.AndList(given) + " together",
			Fix: fix + "; send separate requests for separate selections",
		})
	}
}

// list checks a given list: not empty, each element by check, no repeats.
func (v *validator) list(path string, items []string, emptyFix string, check func(path, s string) *FieldError) {
	if items == nil || v.bad[path] {
		return
	}
	if len(items) == 0 {
		v.add(&FieldError{Field: path, Problem: "empty list", Fix: emptyFix})
		return
	}
	first := make(map[string]int, len(items))
	for i, s := range items {
		p := fmt.Sprintf("%s[%d]", path, i)
		if v.bad[p] {
			continue
		}
		if e := check(p, s); e != nil {
			v.add(e)
			continue
		}
		if j, seen := first[s]; seen {
			v.add(&FieldError{Field: p, Value: s, Problem: fmt.Sprintf("repeats %s[%d]", path, j), Fix: "remove it"})
			continue
		}
		first[s] = i
	}
}

func (v *validator) accounts(path string, ids []string) {
	v.list(path, ids, `name at least one account or use "all": true`, checkAccount)
}

func (v *validator) ous(path string, ids []string) {
	v.list(path, ids, `name at least one OU or use "all": true`, checkOU)
}

func (v *validator) regions(path string, codes []string) {
	v.list(path, codes, `name at least one region, or leave "regions" out for every region of the plan`, checkRegion)
}

func (v *validator) products(path string, keys []string) {
	v.list(path, keys, `name at least one product key, or leave "products" out for every product of the plan`, checkProduct)
}

func (v *validator) targets(path string, pairs []Pair) {
	if pairs == nil || v.bad[path] {
		return
	}
	if len(pairs) == 0 {
		v.add(&FieldError{Field: path, Problem: "empty list", Fix: `name at least one ` + pairExample + `, or leave "targets" out`})
		return
	}
	first := make(map[Pair]int, len(pairs))
	for i, pair := range pairs {
		p := fmt.Sprintf("%s[%d]", path, i)
		if v.bad[p] {
			continue
		}
		ok := true
		for _, f := range []struct {
			key, value, fix string
			check           func(string, string) *FieldError
		}{
			{"region", pair.Region, `name the region, such as "us-west-1"`, checkRegion},
			{"product", pair.Product, `name the product by its plan key, such as "baseline-vpc"`, checkProduct},
		} {
			fp := p + "." + f.key
			switch {
			case v.bad[fp]:
				ok = false
			case f.value == "":
				v.add(&FieldError{Field: fp, Problem: "missing", Fix: f.fix})
				ok = false
			default:
				if e := f.check(fp, f.value); e != nil {
					v.add(e)
					ok = false
				}
			}
		}
		if !ok {
			continue
		}
		if j, seen := first[pair]; seen {
			v.add(&FieldError{
				Field: p, Value: pair.Region + "/" + pair.Product,
				Problem: fmt.Sprintf("repeats %s[%d]", path, j), Fix: "remove it",
			})
			continue
		}
		first[pair] = i
	}
}

func checkAccount(path, id string) *FieldError {
	if awsid.IsAccountID(id) {
		return nil
	}
	if id == "" {
		return &FieldError{Field: path, Problem: "is empty", Fix: `write the 12-digit account ID, such as "123456789012"`}
	}
	fix := `AWS account IDs are exactly 12 digits, such as "123456789012"`
	if digits := onlyDigits(id); awsid.IsAccountID(digits) {
		fix = suggest.DidYouMean([]string{digits})
	} else if awsid.IsOUID(id) || awsid.IsRootID(id) {
		fix = `that is an OU ID: select it with "ous"`
	}
	return &FieldError{Field: path, Value: id, Problem: "is not a 12-digit account ID", Fix: fix}
}

func checkOU(path, id string) *FieldError {
	if awsid.IsOUID(id) || awsid.IsRootID(id) {
		return nil
	}
	if id == "" {
		return &FieldError{Field: path, Problem: "is empty", Fix: `write the OU ID, such as "ou-ab12-l3zc8b3h"`}
	}
	fix := `use the OU's ID, such as "ou-ab12-l3zc8b3h", not its name; the root's ID looks like "r-ab12"`
	lower := strings.ToLower(strings.TrimSpace(id))
	switch {
	case awsid.IsAccountID(id):
		fix = `that is an account ID: select it with "accounts"`
	case awsid.IsOUID(lower) || awsid.IsRootID(lower):
		fix = suggest.DidYouMean([]string{lower})
	}
	return &FieldError{Field: path, Value: id, Problem: "is not an OU ID", Fix: fix}
}

func checkRegion(path, code string) *FieldError {
	if region.Known(code) {
		return nil
	}
	if code == "" {
		return &FieldError{Field: path, Problem: "is empty", Fix: `write a region code, such as "us-west-1"`}
	}
	fix := suggest.DidYouMean(suggest.Closest(code, region.All()))
	if fix == "" {
		fix = `use a region code, such as "us-west-1"`
	}
	return &FieldError{Field: path, Value: code, Problem: "is not an AWS region", Fix: fix}
}

func checkProduct(path, key string) *FieldError {
	if plan.IsKey(key) {
		return nil
	}
	const rule = "product keys are the plan's keys: lower-case letters, digits and dashes"
	if key == "" {
		return &FieldError{Field: path, Problem: "is empty", Fix: `write a product key, such as "baseline-vpc"`}
	}
	fix := rule + `, such as "baseline-vpc"`
	guess := strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' {
			return '-'
		}
		return r
	}, strings.ToLower(strings.TrimSpace(key)))
	if plan.IsKey(guess) {
		fix = suggest.DidYouMean([]string{guess}) + " " + rule
	}
	return &FieldError{Field: path, Value: key, Problem: "is not a product key", Fix: fix}
}

// onlyDigits drops everything but ASCII digits, recovering an ID pasted
// with the console's dashes ("2222-2222-2222") or stray spaces.
func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, s)
}
