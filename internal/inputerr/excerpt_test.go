package inputerr

import (
	"strings"
	"testing"
)

func TestExcerpt(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"short", "abc", `"abc"`},
		{"control_escaped", "A=1\x00B=2", `"A=1\x00B=2"`},
		{"long_cut", strings.Repeat("x", 1000), `"` + strings.Repeat("x", 128) + `"… (1000 bytes)`},
		{"cut_on_rune", strings.Repeat("x", 127) + "é" + strings.Repeat("y", 10), `"` + strings.Repeat("x", 127) + `"… (139 bytes)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Excerpt(tc.in); got != tc.want {
				t.Errorf("Excerpt = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestSprintfCutsQuotedInput(t *testing.T) {
	long := strings.Repeat("x", 1000)
	for _, tc := range []struct {
		name, format string
		args         []any
		want         string
	}{
		{"q_cut", "bad name %q", []any{long}, `bad name "` + strings.Repeat("x", 128) + `… (1000 bytes)"`},
		{"s_kept", "%s: %q", []any{long, "ok"}, long + `: "ok"`},
		{"after_percent_and_star", "100%% %*d %q", []any{3, 7, long}, `100%   7 "` + strings.Repeat("x", 128) + `… (1000 bytes)"`},
		{"short_q", "%q", []any{"ok"}, `"ok"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sprintf(tc.format, tc.args...); got != tc.want {
				t.Errorf("Sprintf = %.300s, want %.300s", got, tc.want)
			}
		})
	}
}

func TestRedactURLKeepsSchemeAndHostOnly(t *testing.T) {
	for raw, want := range map[string]string{
		"https://hooks.slack.com/services/T0/B0/secret": "https://hooks.slack.com/…",
		"http://127.0.0.1:8080/":                        "http://127.0.0.1:8080",
		"https://example.com?token=abc":                 "https://example.com/…",
		"not a url":                                     "(invalid url)",
	} {
		if got := RedactURL(raw); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", raw, got, want)
		}
	}
}
