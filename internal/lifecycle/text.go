package lifecycle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Text rules. Every string Decode takes from an event can end up in a run
// (an SQS message body, which refuses U+FFFE and U+FFFF), a log line, an SNS
// subject or an email. A string that breaks one of those would make the
// launch function fail and Lambda retry an event that can only fail again,
// so Decode refuses it at once, as an invalid event naming the field:
//   - bytes that are not UTF-8, and \u escapes of unpaired surrogates
//     (encoding/json would quietly turn both into U+FFFD);
//   - Unicode noncharacters: U+FDD0..U+FDEF and the last two code points of
//     every plane (U+FFFE, U+FFFF, U+1FFFE, ...);
//   - control characters (C0, DEL, C1), the line and paragraph separators
//     U+2028 and U+2029, and the bidirectional embedding, override and
//     isolate controls, which can make a log line or a notification show
//     something other than what it says. Only free text (Control Tower's
//     message, a failed Organizations call's errorMessage) may hold tabs
//     and line breaks;
//   - names and identifiers longer than AWS writes them: account and OU
//     names over maxNameLen characters (Organizations allows 50 and 128),
//     event names and IDs over maxIDLen, regions over maxRegionLen.
//
// Control Tower's message is commentary, not identity: one longer than
// maxMessageLen bytes is clipped rather than refused, so that an oversized
// message cannot push a failure notification past SNS's size limit.
const (
	maxNameLen    = 128
	maxIDLen      = 128
	maxRegionLen  = 64
	maxMessageLen = 4096
)

// textFix is the fix offered for text that breaks the rules above.
const textFix = "AWS writes printable text here; check where the event came from"

// isNoncharacter reports whether r is one of Unicode's 66 noncharacters.
func isNoncharacter(r rune) bool {
	return r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE && r <= unicode.MaxRune
}

// isBidiControl reports whether r is a bidirectional embedding, override or
// isolate control (the "Trojan Source" characters).
func isBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// unsafeRune says why r may not appear in text, "" when it may. breaks
// allows tabs and line breaks.
func unsafeRune(r rune, breaks bool) string {
	switch {
	case isNoncharacter(r):
		return "the Unicode noncharacter"
	case breaks && (r == '\t' || r == '\n' || r == '\r'):
		return ""
	case unicode.IsControl(r):
		return "the control character"
	case r == 0x2028 || r == 0x2029:
		return "the line separator"
	case isBidiControl(r):
		return "the bidirectional control"
	}
	return ""
}

// textProblem says what is wrong with the decoded string s, "" when nothing.
// maxLen counts characters; 0 means no limit.
func textProblem(s string, maxLen int, breaks bool) string {
	n := 0
	for i, r := range s {
		n++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fmt.Sprintf("is not valid UTF-8 (byte 0x%02x at offset %d)", s[i], i)
			}
		}
		if what := unsafeRune(r, breaks); what != "" {
			return fmt.Sprintf("contains %s %U at character %d", what, r, n)
		}
	}
	if maxLen > 0 && n > maxLen {
		return fmt.Sprintf("is %d characters long, more than the %d allowed", n, maxLen)
	}
	return ""
}

// literalProblem checks the JSON string literal lit (quotes included) for
// what decoding hides by turning it into U+FFFD: bytes that are not UTF-8
// and escapes of unpaired surrogates. lit must be a valid JSON string.
func literalProblem(lit []byte) string {
	lit = bytes.TrimSpace(lit)
	if len(lit) < 2 || lit[0] != '"' {
		return ""
	}
	body := lit[1 : len(lit)-1]
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case c == '\\' && i+1 < len(body) && body[i+1] == 'u' && i+6 <= len(body):
			r := hex4(body[i+2 : i+6])
			if !utf16.IsSurrogate(r) {
				i += 6
				continue
			}
			if r < 0xDC00 && i+12 <= len(body) && body[i+6] == '\\' && body[i+7] == 'u' {
				if lo := hex4(body[i+8 : i+12]); lo >= 0xDC00 && lo < 0xE000 {
					i += 12
					continue
				}
			}
			return fmt.Sprintf("contains %s, half of a UTF-16 surrogate pair without its other half", body[i:i+6])
		case c == '\\':
			i += 2
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && size == 1 {
				return fmt.Sprintf("is not valid UTF-8 (byte 0x%02x at offset %d)", c, i)
			}
			i += size
		}
	}
	return ""
}

// hex4 reads four hexadecimal digits; -1 if they are not.
func hex4(b []byte) rune {
	n, err := strconv.ParseUint(string(b), 16, 32)
	if err != nil {
		return -1
	}
	return rune(n)
}

// checkText checks one string of the event: lit is its JSON literal (nil
// when only the decoded value is at hand), s the decoded value.
func checkText(path string, lit []byte, s string, maxLen int, breaks bool) *FieldError {
	problem := literalProblem(lit)
	if problem == "" {
		problem = textProblem(s, maxLen, breaks)
	}
	if problem == "" {
		return nil
	}
	return &FieldError{Field: path, Value: s, Problem: problem, Fix: textFix}
}

// clipMessage shortens Control Tower's message to maxMessageLen bytes, on a
// character boundary, marking the cut.
func clipMessage(s string) string { return clipText(s, maxMessageLen) }

// clipText shortens s to at most maxLen bytes, on a character boundary,
// marking the cut.
func clipText(s string, maxLen int) string {
	const mark = " [...]"
	if len(s) <= maxLen {
		return s
	}
	n := maxLen - len(mark)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + mark
}

// IsCleanText reports whether s follows the text rules of Decode for a
// single-line value: valid UTF-8 without noncharacters, control characters,
// line separators or bidirectional controls.
func IsCleanText(s string) bool { return textProblem(s, 0, false) == "" }

// Label makes s, a value read from an event that may not be valid (an event
// ID to name in a report), safe to repeat in a log line or a notification:
// clean text of up to maxIDLen characters is returned as it is, anything
// else quoted with Go escapes and shortened.
func Label(s string) string {
	if textProblem(s, maxIDLen, false) == "" {
		return s
	}
	r := []rune(s)
	if len(r) > maxIDLen {
		return strconv.QuoteToASCII(string(r[:maxIDLen])) + "…"
	}
	return strconv.QuoteToASCII(s)
}

// Echo returns raw, an event as received, in a form that can be repeated in
// a log line or a notification whatever it holds: bytes that are not UTF-8
// become U+FFFD, and noncharacters, control characters other than tabs and
// line breaks, line separators and bidirectional controls become \uXXXX
// escapes (inside a JSON string they denote the same text). It is for
// reports only: the result need not decode as the original did.
func Echo(raw []byte) []byte {
	clean := true
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r, true) != "" {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return raw
	}
	var b bytes.Buffer
	b.Grow(len(raw) + 16)
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case unsafeRune(r, true) != "":
			if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
				fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.Bytes()
}

// envelopeLiterals returns the raw values of the top-level keys of raw, a
// JSON object, for checkText.
func envelopeLiterals(raw []byte) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m) // raw decoded as an envelope already; nil on failure only loses the literal check
	return m
}
