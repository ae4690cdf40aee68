package check

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Severity orders findings; higher is worse.
type Severity int

// Severities, lowest first.
const (
	SeverityInfo Severity = iota + 1
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = map[Severity]string{
	SeverityInfo:     "info",
	SeverityLow:      "low",
	SeverityMedium:   "medium",
	SeverityHigh:     "high",
	SeverityCritical: "critical",
}

func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads a severity name. It also accepts the SARIF level names
// error (= high), warning (= low) and note (= info).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "info", "note":
		return SeverityInfo, nil
	case "low", "warning":
		return SeverityLow, nil
	case "medium":
		return SeverityMedium, nil
	case "high", "error":
		return SeverityHigh, nil
	case "critical":
		return SeverityCritical, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want info, low, medium, high or critical; or note, warning, error)", s)
}

// SARIFLevel maps a severity to a SARIF result level: critical and high are
// "error", medium and low "warning", info "note".
func (s Severity) SARIFLevel() string {
	switch {
	case s >= SeverityHigh:
		return "error"
	case s >= SeverityLow:
		return "warning"
	}
	return "note"
}

// MarshalJSON writes the severity's name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	v, err := ParseSeverity(name)
	if err != nil {
		return err
	}
	*s = v
	return nil
}
