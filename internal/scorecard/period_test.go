package scorecard

import (
	"testing"
	"time"
)

func TestParseSpanAndTime(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour, "1.5d": 36 * time.Hour} {
		if got, err := ParseSpan(in); err != nil || got != want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0d", "-1d", "month", "d", "-5m"} {
		if _, err := ParseSpan(bad); err == nil {
			t.Errorf("ParseSpan(%q) accepted", bad)
		}
	}
	now := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{"now": now, "": now, "2026-12-01": time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		"2026-12-01T10:00:00Z": time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)} {
		if got, err := ParseTime(in, now); err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseTime("yesterday", now); err == nil {
		t.Error("ParseTime(yesterday) accepted")
	}
}

func FuzzParseSpan(f *testing.F) {
	for _, s := range []string{"30d", "2w", "36h", "1.5d", "0d", "1e308d", "NaNd", "-1w", "90m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseSpan(s)
		if err == nil && d <= 0 {
			t.Fatalf("ParseSpan(%q) = %v without an error", s, d)
		}
	})
}
