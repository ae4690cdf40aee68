package check

import (
	"encoding/json"
	"io"
)

// jsonReport is the JSON shape: the report plus a summary.
type jsonReport struct {
	Dir      string      `json:"dir"`
	Lockfile string      `json:"lockfile,omitempty"`
	Summary  jsonSummary `json:"summary"`
	Findings []Finding   `json:"findings"`
}

type jsonSummary struct {
	Total      int            `json:"total"` // unsuppressed
	Suppressed int            `json:"suppressed"`
	BySeverity map[string]int `json:"bySeverity"`
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, rep Report) error {
	counts, suppressed := rep.Counts()
	s := jsonSummary{Suppressed: suppressed, BySeverity: map[string]int{}}
	for sev, n := range counts {
		s.BySeverity[sev.String()] = n
		s.Total += n
	}
	findings := rep.Findings
	if findings == nil {
		findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(jsonReport{Dir: rep.Dir, Lockfile: rep.Lockfile, Summary: s, Findings: findings})
}
