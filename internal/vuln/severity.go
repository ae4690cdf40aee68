package vuln

import (
	"fmt"
	"math"
	"strings"

	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"
)

// Level is a qualitative severity, ordered: Unknown < None < Low < Medium
// < High < Critical.
type Level int

// Levels.
const (
	Unknown Level = iota
	None
	Low
	Medium
	High
	Critical
)

var levelNames = []string{"UNKNOWN", "NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

func (l Level) String() string { return levelNames[l] }

// MarshalText writes the level's name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// ParseLevel reads a level name, case-insensitively; MODERATE (GitHub's
// word) is MEDIUM.
func ParseLevel(s string) (Level, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if u == "MODERATE" {
		return Medium, nil
	}
	for i, n := range levelNames {
		if u == n {
			return Level(i), nil
		}
	}
	return Unknown, fmt.Errorf("unknown severity %q (want low, medium, high or critical)", s)
}

// levelOfScore is CVSS's qualitative rating scale (the same in v3.x and v4.0).
func levelOfScore(s float64) Level {
	switch {
	case s == 0:
		return None
	case s < 4:
		return Low
	case s < 7:
		return Medium
	case s < 9:
		return High
	}
	return Critical
}

// Severity is a finding's severity and where it came from.
type Severity struct {
	Level  Level   `json:"level"`
	Score  float64 `json:"score,omitempty"`  // CVSS base score; 0 when none was computed
	Vector string  `json:"vector,omitempty"` // the CVSS vector it was computed from
	Source string  `json:"source,omitempty"` // CVSS_V3, CVSS_V4 or database_specific
}

// BaseScore computes the CVSS base score of a v3.0, v3.1 or v4.0 vector.
func BaseScore(vector string) (float64, error) {
	switch {
	case strings.HasPrefix(vector, "CVSS:4.0/"):
		c, err := gocvss40.ParseVector(vector)
		if err != nil {
			return 0, fmt.Errorf("CVSS v4.0 vector %q: %w", vector, err)
		}
		return c.Score(), nil
	case strings.HasPrefix(vector, "CVSS:3.1/"):
		c, err := gocvss31.ParseVector(vector)
		if err != nil {
			return 0, fmt.Errorf("CVSS v3.1 vector %q: %w", vector, err)
		}
		return c.BaseScore(), nil
	case strings.HasPrefix(vector, "CVSS:3.0/"):
		c, err := gocvss30.ParseVector(vector)
		if err != nil {
			return 0, fmt.Errorf("CVSS v3.0 vector %q: %w", vector, err)
		}
		return c.BaseScore(), nil
	}
	return 0, fmt.Errorf("unsupported CVSS vector %q (want CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/)", vector)
}

// SeverityOf is r's severity for the package of a (nil for the record's
// own): the highest CVSS base score among the vectors of the record and of
// a, and when none scores, the record's database_specific.severity label
// (GitHub's LOW/MODERATE/HIGH/CRITICAL), else Unknown.
func SeverityOf(r *Record, a *Affected) Severity {
	best := Severity{Score: -1}
	entries := r.Severity
	if a != nil {
		entries = append(append([]SeverityEntry(nil), entries...), a.Severity...)
	}
	for _, e := range entries {
		if e.Type != "CVSS_V3" && e.Type != "CVSS_V4" {
			continue
		}
		s, err := BaseScore(e.Score)
		if err != nil || s <= best.Score {
			continue
		}
		best = Severity{Level: levelOfScore(s), Score: s, Vector: e.Score, Source: e.Type}
	}
	if best.Score >= 0 {
		best.Score = math.Round(best.Score*10) / 10
		return best
	}
	for _, ds := range []map[string]any{r.DatabaseSpecific, affectedDS(a)} {
		if label, ok := ds["severity"].(string); ok {
			if l, err := ParseLevel(label); err == nil {
				return Severity{Level: l, Source: "database_specific"}
			}
		}
	}
	return Severity{Level: Unknown}
}

func affectedDS(a *Affected) map[string]any {
	if a == nil {
		return nil
	}
	return a.DatabaseSpecific
}
