package tables

import (
	"strings"
	"unicode/utf8"
)

// maxItemSize is DynamoDB's item size limit, 400 KB, attribute names
// included.
const maxItemSize = 400 * 1024

// itemSize is an item's size as the Developer Guide's "Item sizes and
// formats" computes it: each attribute's name (UTF-8 bytes) plus its value.
func itemSize(it Item) int {
	n := 0
	for name, v := range it {
		n += len(name) + valueSize(v)
	}
	return n
}

// valueSize is the size of one value: strings by UTF-8 bytes, binaries by
// length, numbers about one byte per two significant digits plus one,
// BOOL and NULL one byte, lists and maps 3 bytes plus 1 per element and
// their contents (map keys included).
func valueSize(v Value) int {
	switch v.kind {
	case "S":
		return len(v.str)
	case "N":
		return numberSize(v.str)
	case "B":
		return len(v.str)
	case "BOOL", "NULL":
		return 1
	case "SS":
		n := 0
		for _, s := range v.ss {
			n += len(s)
		}
		return n
	case "NS":
		n := 0
		for _, s := range v.ss {
			n += numberSize(s)
		}
		return n
	case "BS":
		n := 0
		for _, b := range v.ss {
			n += len(b)
		}
		return n
	case "M":
		n := 3
		for k, e := range v.m {
			n += 1 + len(k) + valueSize(e)
		}
		return n
	case "L":
		n := 3
		for _, e := range v.l {
			n += 1 + valueSize(e)
		}
		return n
	}
	return 0
}

// numberSize counts significant digits: leading and trailing zeros are
// dropped, one byte per two digits, plus one.
func numberSize(s string) int {
	mant, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "e")
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, mant)
	digits = strings.Trim(digits, "0")
	if digits == "" {
		return 1
	}
	return (utf8.RuneCountInString(digits)+1)/2 + 1
}
