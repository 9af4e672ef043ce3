package tables

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// Value is one DynamoDB AttributeValue: exactly one of S, N, B, BOOL,
// NULL, M, L, SS, NS, BS. It keeps the wire spelling of numbers (DynamoDB
// echoes them back normalized only in some places; the emulator keeps them
// as sent) and compares them as exact decimals.
type Value struct {
	kind string
	str  string           // S, N; B's bytes
	b    bool             // BOOL, NULL
	m    map[string]Value // M
	l    []Value          // L
	ss   []string         // SS, NS; BS's elements' bytes
}

// wireError is the API error every check here answers.
type wireError = wire.Error

// Item is an item or a key: attribute name to value.
type Item map[string]Value

// Kind returns the value's type descriptor: "S", "N", "B", "BOOL", "NULL",
// "M", "L", "SS", "NS" or "BS".
func (v Value) Kind() string { return v.kind }

// Text returns the text of an S or N value ("" for other types), so tests
// and the game day can read what Tables.Items returns.
func (v Value) Text() string {
	if v.kind == "S" || v.kind == "N" {
		return v.str
	}
	return ""
}

// String returns an S value.
func String(s string) Value { return Value{kind: "S", str: s} }

// Number returns an N value; s must be a DynamoDB number.
func Number(s string) Value { return Value{kind: "N", str: s} }

// MarshalJSON encodes the value as the wire's one-member object.
func (v Value) MarshalJSON() ([]byte, error) {
	var inner any
	switch v.kind {
	case "S", "N":
		inner = v.str
	case "B":
		inner = []byte(v.str)
	case "BOOL", "NULL":
		inner = v.b
	case "M":
		inner = v.m
		if v.m == nil {
			inner = map[string]Value{}
		}
	case "L":
		inner = v.l
		if v.l == nil {
			inner = []Value{}
		}
	case "SS", "NS":
		inner = v.ss
	case "BS":
		bs := make([][]byte, len(v.ss))
		for i, s := range v.ss {
			bs[i] = []byte(s)
		}
		inner = bs
	default:
		return nil, fmt.Errorf("attribute value has no type")
	}
	return json.Marshal(map[string]any{v.kind: inner})
}

// UnmarshalJSON decodes the wire form. Shape problems (no member, two
// members) are kept for validate, which words them as DynamoDB does.
func (v *Value) UnmarshalJSON(data []byte) error {
	if kind, str, ok := scalar(data); ok {
		v.kind, v.str = kind, str
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if len(raw) != 1 {
		v.kind = fmt.Sprintf("invalid:%d", len(raw))
		return nil
	}
	for k, msg := range raw {
		v.kind = k
		var err error
		switch k {
		case "S", "N":
			err = json.Unmarshal(msg, &v.str)
		case "B":
			var bin []byte
			err = json.Unmarshal(msg, &bin)
			v.str = string(bin)
		case "BOOL", "NULL":
			err = json.Unmarshal(msg, &v.b)
		case "M":
			err = json.Unmarshal(msg, &v.m)
			if v.m == nil {
				v.m = map[string]Value{}
			}
		case "L":
			err = json.Unmarshal(msg, &v.l)
		case "SS", "NS":
			err = json.Unmarshal(msg, &v.ss)
		case "BS":
			var bs [][]byte
			err = json.Unmarshal(msg, &bs)
			v.ss = make([]string, len(bs))
			for i, b := range bs {
				v.ss[i] = string(b)
			}
		default:
			v.kind = "invalid:" + k
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// scalar reads {"S":"..."} or {"N":"..."} written exactly so, with a
// string that needs no unescaping: most of every item the SDK sends. It
// reports false for anything else, which the general decoding then reads.
func scalar(data []byte) (kind, str string, ok bool) {
	const prefixLen = len(`{"S":"`)
	if len(data) < prefixLen+2 || data[0] != '{' || data[1] != '"' || data[3] != '"' || data[4] != ':' || data[5] != '"' ||
		data[len(data)-2] != '"' || data[len(data)-1] != '}' {
		return "", "", false
	}
	switch data[2] {
	case 'S':
		kind = "S"
	case 'N':
		kind = "N"
	default:
		return "", "", false
	}
	body := data[prefixLen : len(data)-2]
	for _, c := range body {
		if c == '"' || c == '\\' || c < 0x20 {
			return "", "", false
		}
	}
	if !utf8.Valid(body) {
		return "", "", false
	}
	return kind, string(body), true
}

// invalid is DynamoDB's wording for malformed parameter values.
func invalid(format string, args ...any) *wire.Error {
	return validation("One or more parameter values were invalid: " + fmt.Sprintf(format, args...))
}

// validation is DynamoDB's ValidationException (HTTP 400).
func validation(msg string) *wire.Error {
	return &wire.Error{Code: "ValidationException", Message: msg}
}

// validate checks a value as DynamoDB does on input: one type, numbers
// within its range, sets non-empty and without duplicates.
func (v Value) validate() *wire.Error {
	switch v.kind {
	case "S", "B", "BOOL":
		return nil
	case "NULL":
		if !v.b {
			return invalid("Null attribute value types must have the value of true")
		}
		return nil
	case "N":
		if !isCanonicalInt(v.str) && !isNumber(v.str) {
			return validation("The parameter cannot be converted to a numeric value: " + v.str)
		}
		return nil
	case "M":
		for _, e := range v.m {
			if err := e.validate(); err != nil {
				return err
			}
		}
		return nil
	case "L":
		for _, e := range v.l {
			if err := e.validate(); err != nil {
				return err
			}
		}
		return nil
	case "SS", "NS", "BS":
		return v.validateSet()
	}
	if v.kind == "invalid:0" {
		return validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
	}
	return validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
}

func (v Value) validateSet() *wire.Error {
	name := map[string]string{"SS": "string", "NS": "number", "BS": "binary"}[v.kind]
	if v.setLen() == 0 {
		return invalid("An %s set  may not be empty", name)
	}
	seen := map[string]bool{}
	for i := range v.setLen() {
		k := v.setKey(i)
		if v.kind == "NS" {
			n, ok := parseNumber(v.ss[i])
			if !ok {
				return validation("The parameter cannot be converted to a numeric value: " + v.ss[i])
			}
			k = n.RatString()
		}
		if seen[k] {
			return validation("One or more parameter values were invalid: Input collection contains duplicates")
		}
		seen[k] = true
	}
	return nil
}

func (v Value) setLen() int { return len(v.ss) }

// setKey is element i of a set as a comparable string.
func (v Value) setKey(i int) string {
	if v.kind == "NS" && !isCanonicalInt(v.ss[i]) {
		if n, ok := parseNumber(v.ss[i]); ok {
			return n.RatString()
		}
	}
	return v.ss[i]
}

// parseNumber reads a DynamoDB number: up to 38 significant digits,
// magnitude between 1E-130 and 9.9999999999999999999999999999999999999E+125.
func parseNumber(s string) (*big.Rat, bool) {
	t := strings.TrimSpace(s)
	if t == "" || strings.ContainsAny(t, "xX/_") {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(t)
	if !ok {
		return nil, false
	}
	if r.Sign() == 0 {
		return r, true
	}
	abs := new(big.Rat).Abs(r)
	if abs.Cmp(numberMax) >= 0 || abs.Cmp(numberMin) < 0 {
		return nil, false
	}
	return r, true
}

// isNumber reports whether s is a valid DynamoDB number.
func isNumber(s string) bool {
	_, ok := parseNumber(s)
	return ok
}

// The bounds of a DynamoDB number's magnitude (exclusive above, inclusive below).
var numberMax, numberMin = mustRat("1e126"), mustRat("1e-130")

func mustRat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("tables: bad constant " + s)
	}
	return r
}

// isCanonicalInt reports whether s is an integer already in the form
// DynamoDB stores (an optional '-', no leading zeros, no spaces, at most 38
// digits). Most numbers Landfall writes are (times, counts, versions): they
// are valid, normalized and keyed as they are, without a big.Rat each.
func isCanonicalInt(s string) bool {
	d, neg := strings.CutPrefix(s, "-")
	if d == "" || len(d) > 38 || (d[0] == '0' && (len(d) > 1 || neg)) {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// formatNumber writes a number in DynamoDB's canonical form: plain
// decimal, leading and trailing zeros trimmed. Numbers come from decimal
// strings, so a finite decimal expansion exists; DynamoDB's range bounds
// it to 130 fractional digits (38 significant).
func formatNumber(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	scaled := new(big.Rat).Set(r)
	ten := big.NewRat(10, 1)
	digits := 0
	for !scaled.IsInt() && digits < 200 {
		scaled.Mul(scaled, ten)
		digits++
	}
	return r.FloatString(digits)
}

// normalized returns v with its numbers in canonical form, as DynamoDB
// stores them ("Leading and trailing zeroes are trimmed").
func (v Value) normalized() Value {
	switch v.kind {
	case "N":
		if isCanonicalInt(v.str) {
			break
		}
		if r, ok := parseNumber(v.str); ok {
			v.str = formatNumber(r)
		}
	case "NS":
		out := make([]string, len(v.ss))
		for i, e := range v.ss {
			out[i] = Number(e).normalized().str
		}
		v.ss = out
	case "M":
		m := make(map[string]Value, len(v.m))
		for k, e := range v.m {
			m[k] = e.normalized()
		}
		v.m = m
	case "L":
		l := make([]Value, len(v.l))
		for i, e := range v.l {
			l[i] = e.normalized()
		}
		v.l = l
	}
	return v
}

// normalized returns a copy of it with canonical numbers.
func (it Item) normalized() Item {
	out := make(Item, len(it))
	for k, v := range it {
		out[k] = v.clone().normalized()
	}
	return out
}

// equal reports whether a and b are the same value (numbers by value, sets
// regardless of order).
func equal(a, b Value) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case "S":
		return a.str == b.str
	case "N":
		return compareNumbers(a.str, b.str) == 0
	case "B":
		return a.str == b.str
	case "BOOL", "NULL":
		return a.b == b.b
	case "M":
		if len(a.m) != len(b.m) {
			return false
		}
		for k, av := range a.m {
			bv, ok := b.m[k]
			if !ok || !equal(av, bv) {
				return false
			}
		}
		return true
	case "L":
		return slices.EqualFunc(a.l, b.l, equal)
	default: // sets
		if a.setLen() != b.setLen() {
			return false
		}
		keys := map[string]bool{}
		for i := range a.setLen() {
			keys[a.setKey(i)] = true
		}
		for i := range b.setLen() {
			if !keys[b.setKey(i)] {
				return false
			}
		}
		return true
	}
}

func compareNumbers(a, b string) int {
	x, _ := parseNumber(a)
	y, _ := parseNumber(b)
	if x == nil || y == nil {
		return strings.Compare(a, b)
	}
	return x.Cmp(y)
}

// compare orders two scalars of the same type (S, N, B) as DynamoDB sorts
// them: strings and binaries by bytes, numbers by value. ok is false for
// other types or mixed types.
func compare(a, b Value) (int, bool) {
	if a.kind != b.kind {
		return 0, false
	}
	switch a.kind {
	case "S":
		return strings.Compare(a.str, b.str), true
	case "N":
		return compareNumbers(a.str, b.str), true
	case "B":
		return strings.Compare(a.str, b.str), true
	}
	return 0, false
}

// clone deep-copies v, so stored items never share state with requests.
func (v Value) clone() Value {
	c := v
	c.ss = slices.Clone(v.ss)
	if v.m != nil {
		c.m = make(map[string]Value, len(v.m))
		for k, e := range v.m {
			c.m[k] = e.clone()
		}
	}
	if v.l != nil {
		c.l = make([]Value, len(v.l))
		for i, e := range v.l {
			c.l[i] = e.clone()
		}
	}
	return c
}

func (it Item) clone() Item {
	if it == nil {
		return nil
	}
	c := make(Item, len(it))
	for k, v := range it {
		c[k] = v.clone()
	}
	return c
}
