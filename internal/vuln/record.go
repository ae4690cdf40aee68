package vuln

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Record is one OSV advisory (https://ossf.github.io/osv-schema/): the
// fields matching and reporting use.
type Record struct {
	ID               string          `json:"id" yaml:"id"`
	Modified         string          `json:"modified" yaml:"modified"` // RFC 3339
	Published        string          `json:"published,omitempty" yaml:"published,omitempty"`
	Withdrawn        string          `json:"withdrawn,omitempty" yaml:"withdrawn,omitempty"`
	Aliases          []string        `json:"aliases,omitempty" yaml:"aliases,omitempty"`
	Summary          string          `json:"summary,omitempty" yaml:"summary,omitempty"`
	Details          string          `json:"details,omitempty" yaml:"details,omitempty"`
	Severity         []SeverityEntry `json:"severity,omitempty" yaml:"severity,omitempty"`
	Affected         []Affected      `json:"affected,omitempty" yaml:"affected,omitempty"`
	References       []Reference     `json:"references,omitempty" yaml:"references,omitempty"`
	DatabaseSpecific map[string]any  `json:"database_specific,omitempty" yaml:"database_specific,omitempty"`
}

// SeverityEntry is one entry of a record's (or an affected package's)
// severity list: type CVSS_V2, CVSS_V3, CVSS_V4, Ubuntu; score a vector.
type SeverityEntry struct {
	Type  string `json:"type" yaml:"type"`
	Score string `json:"score" yaml:"score"`
}

// Affected is one package the record affects, with its ranges and
// explicit versions.
type Affected struct {
	Package          PackageRef      `json:"package" yaml:"package"`
	Severity         []SeverityEntry `json:"severity,omitempty" yaml:"severity,omitempty"`
	Ranges           []Range         `json:"ranges,omitempty" yaml:"ranges,omitempty"`
	Versions         []string        `json:"versions,omitempty" yaml:"versions,omitempty"`
	DatabaseSpecific map[string]any  `json:"database_specific,omitempty" yaml:"database_specific,omitempty"`
}

// PackageRef names a package in an ecosystem ("PyPI", "Debian:12").
type PackageRef struct {
	Ecosystem string `json:"ecosystem" yaml:"ecosystem"`
	Name      string `json:"name" yaml:"name"`
	PURL      string `json:"purl,omitempty" yaml:"purl,omitempty"`
}

// Range is an affected range: type ECOSYSTEM, SEMVER or GIT, and its events.
type Range struct {
	Type   string  `json:"type" yaml:"type"`
	Repo   string  `json:"repo,omitempty" yaml:"repo,omitempty"`
	Events []Event `json:"events" yaml:"events"`
}

// Event is one range event; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty" yaml:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty" yaml:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty" yaml:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty" yaml:"limit,omitempty"`
}

// Reference is a link with its type (ADVISORY, FIX, WEB, …).
type Reference struct {
	Type string `json:"type" yaml:"type"`
	URL  string `json:"url" yaml:"url"`
}

// ParseRecord parses one OSV record, JSON or YAML (chosen by the first
// non-space byte: '{' is JSON). Errors name path:line and what was
// expected; a record without an id is an error.
func ParseRecord(path string, data []byte) (*Record, error) {
	var r Record
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, jsonError(path, data, err)
		}
	} else if err := yaml.Unmarshal(data, &r); err != nil {
		return nil, yamlError(path, err)
	}
	if r.ID == "" {
		return nil, inputerr.At(path, 1, 1, "OSV record has no id (want an object with \"id\", \"modified\" and \"affected\")")
	}
	for i, a := range r.Affected {
		for j, rg := range a.Ranges {
			if err := checkRange(rg); err != nil {
				return nil, inputerr.At(path, 1, 1, "%s: affected[%d].ranges[%d]: %v", r.ID, i, j, err)
			}
		}
	}
	return &r, nil
}

// checkRange applies the schema's rules for events: at least one, and at
// most one field set in each.
func checkRange(rg Range) error {
	if len(rg.Events) == 0 {
		return fmt.Errorf("range has no events")
	}
	for k, e := range rg.Events {
		n := 0
		for _, s := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
			if s != "" {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("events[%d] must have exactly one of introduced, fixed, last_affected, limit", k)
		}
	}
	return nil
}

func jsonError(path string, data []byte, err error) error {
	var off int64
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	line, col := lineCol(data, off)
	return &inputerr.Error{Path: path, Line: line, Col: col, Msg: "not an OSV JSON record", Err: err}
}

func yamlError(path string, err error) error {
	line := 1
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i:], "line %d", &line)
	}
	return &inputerr.Error{Path: path, Line: line, Col: 1, Msg: "not an OSV YAML record", Err: err}
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
