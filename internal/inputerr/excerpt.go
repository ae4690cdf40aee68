package inputerr

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MaxExcerpt is how many bytes of input an error message may quote.
const MaxExcerpt = 80

// Excerpt quotes s for an error message, cut to MaxExcerpt bytes (on a
// character boundary) with the full length said after it, so that hostile
// input (a 64 MB name, a file full of environment variables) is never
// echoed whole. Control characters are escaped.
func Excerpt(s string) string {
	if len(s) <= MaxExcerpt {
		return strconv.Quote(s)
	}
	cut := MaxExcerpt
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:cut]), len(s))
}
