package scorecard

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Period is the half-open interval [Since, Until).
type Period struct {
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
}

// Days is the period's length in days.
func (p Period) Days() float64 { return p.Until.Sub(p.Since).Hours() / 24 }

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.Since) && t.Before(p.Until) }

// Previous is the period of the same length that ends where p starts.
func (p Period) Previous() Period {
	return Period{Since: p.Since.Add(-p.Until.Sub(p.Since)), Until: p.Since}
}

func (p Period) String() string {
	return fmt.Sprintf("%s → %s", p.Since.UTC().Format(time.DateTime), p.Until.UTC().Format(time.DateTime))
}

// ParseSpan reads a length as Go's durations ("36h", "90m") plus days and
// weeks ("30d", "2w").
func ParseSpan(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || !(v > 0) || v*float64(unit) >= math.MaxInt64 { // !(v > 0) refuses NaN too
				return 0, fmt.Errorf("%q: expected a positive length such as 30d, 2w or 36h", s)
			}
			return time.Duration(v * float64(unit)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q: expected a positive length such as 30d, 2w or 36h", s)
	}
	return d, nil
}

// ParseTime reads an end of period: RFC 3339, a date (midnight UTC), or
// "now".
func ParseTime(s string, now time.Time) (time.Time, error) {
	if s == "" || s == "now" {
		return now, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q: expected a time (2026-12-01 or 2026-12-01T10:00:00Z) or now", s)
}
