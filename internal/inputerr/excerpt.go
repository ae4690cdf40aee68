package inputerr

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxExcerpt is how many bytes of one input value an error message may
// quote: enough for an image reference with its digest.
const MaxExcerpt = 128

// Excerpt quotes s for an error message, cut to MaxExcerpt bytes (on a
// character boundary) with the full length said after it, so that hostile
// input (a 64 MB name, a file full of environment variables) is never
// echoed whole. Control characters are escaped.
func Excerpt(s string) string {
	head, cut := clip(s)
	if !cut {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(head), len(s))
}

// Sprintf is fmt.Sprintf with every string argument of a %q verb longer
// than MaxExcerpt cut to its first MaxExcerpt bytes plus "… (N bytes)":
// parsers quote the input they echo with %q, so a message built from input
// stays short. At and the parsers' positioned errors build their messages
// with it.
func Sprintf(format string, args ...any) string {
	for i, verb := range verbs(format) {
		if i >= len(args) || verb != 'q' {
			continue
		}
		if s, ok := args[i].(string); ok {
			if head, cut := clip(s); cut {
				args[i] = fmt.Sprintf("%s… (%d bytes)", head, len(s))
			}
		}
	}
	return fmt.Sprintf(format, args...)
}

// verbs lists the verb letter of each argument format consumes, in order
// ('*' for a width or precision taken from an argument).
func verbs(format string) []byte {
	var out []byte
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		for i++; i < len(format); i++ {
			c := format[i]
			if c == '*' {
				out = append(out, '*')
				continue
			}
			if strings.IndexByte("+-# 0123456789.[]", c) < 0 {
				if c != '%' {
					out = append(out, c)
				}
				break
			}
		}
	}
	return out
}

// clip cuts s to at most MaxExcerpt bytes on a character boundary.
func clip(s string) (string, bool) {
	if len(s) <= MaxExcerpt {
		return s, false
	}
	cut := MaxExcerpt
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}

// RedactURL shows a URL as scheme and host only: the path and query of a
// webhook URL are often its secret (Slack), so messages and records never
// show them ("https://hooks.slack.com/…").
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(invalid url)"
	}
	s := u.Scheme + "://" + u.Host
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		s += "/…"
	}
	return s
}
