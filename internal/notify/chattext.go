package notify

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text that reaches a chat channel is bounded in characters (Unicode code
// points: what the chat clients count) and made inert: Amazon Q Developer
// renders client-markdown in the channel's own markup, where <...> is a
// link or a mention (<!channel>) and @name notifies people. Account names,
// OU names, AWS error messages and echoed events are not Landfall's to
// trust, so they never get to ping a channel or break out of a code block.

// runes is the length the chat limits count.
func runes(s string) int { return utf8.RuneCountInString(s) }

// clip cuts s to at most max characters, ending in "…" when it cuts.
func clip(s string, max int) string {
	if runes(s) <= max {
		return s
	}
	if max < 1 {
		return ""
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:max-1]), unicode.IsSpace) + "…"
}

// clipSaying cuts s to at most max characters and says how many were left
// out ("… (1234 more characters)"), so a reader knows the text is partial.
func clipSaying(s string, max int) string {
	n := runes(s)
	if n <= max {
		return s
	}
	for keep := max; keep > 0; keep-- {
		note := fmt.Sprintf("… (%d more characters)", n-keep)
		if keep+runes(note) <= max {
			return string([]rune(s)[:keep]) + note
		}
	}
	return clip(s, max)
}

// inert neutralizes what chat markup would act on: <, > (links, mentions),
// @ (mentions), ` (code spans and blocks). Control characters go; line
// breaks stay only when keepLines is set.
func inert(s string, keepLines bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' && keepLines:
			b.WriteRune(r)
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r == '<':
			b.WriteRune('‹')
		case r == '>':
			b.WriteRune('›')
		case r == '@':
			b.WriteRune('＠')
		case r == '`':
			b.WriteByte('\'')
		case unicode.IsControl(r) || r == utf8.RuneError:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// line is untrusted text as one bounded, inert line.
func line(s string, max int) string {
	// Read no more than the line can show (generously: spaces collapse),
	// so that a megabyte of error message costs what a line costs.
	if limit := 8*max + 64; len(s) > limit {
		s = string([]rune(s[:limit])[:runes(s[:limit])-1]) + " …"
	}
	return clip(strings.Join(strings.Fields(inert(s, false)), " "), max)
}

// codeBlock is untrusted text as a fenced block of at most max characters
// (fences included), cut with a note when longer.
func codeBlock(s string, max int) string {
	const fence = "```"
	body := strings.TrimSpace(inert(s, true))
	if body == "" {
		body = "-"
	}
	return fence + "\n" + clipSaying(body, max-2*len(fence)-2) + "\n" + fence
}
