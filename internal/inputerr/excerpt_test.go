package inputerr

import (
	"strings"
	"testing"
)

func TestExcerpt(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"short", "abc", `"abc"`},
		{"control_escaped", "A=1\x00B=2", `"A=1\x00B=2"`},
		{"long_cut", strings.Repeat("x", 1000), `"` + strings.Repeat("x", 80) + `"… (1000 bytes)`},
		{"cut_on_rune", strings.Repeat("x", 79) + "é" + strings.Repeat("y", 10), `"` + strings.Repeat("x", 79) + `"… (91 bytes)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Excerpt(tc.in); got != tc.want {
				t.Errorf("Excerpt = %s, want %s", got, tc.want)
			}
		})
	}
}
