package gate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// failedOutputLines is how many lines of a failed run gate's output the
// text report quotes.
const failedOutputLines = 12

// WriteText writes rep for people: one line per gate, the tail of a
// failed command's output, the notes and a summary.
func WriteText(w io.Writer, rep Report) error {
	fmt.Fprintf(w, "gates of %s %s (%s)\n", rep.Service, rep.ImageDigest, rep.ImageRef)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	failed := 0
	for _, g := range rep.Gates {
		verdict := "PASS"
		if !g.Passed {
			verdict, failed = "FAIL", failed+1
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", verdict, g.Name, g.Kind, g.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, g := range rep.Gates {
		if g.Passed || g.Output == "" {
			continue
		}
		lines := strings.Split(strings.TrimRight(g.Output, "\n"), "\n")
		if len(lines) > failedOutputLines {
			lines = lines[len(lines)-failedOutputLines:]
		}
		fmt.Fprintf(w, "output of %s (last %d lines):\n", g.Name, len(lines))
		for _, l := range lines {
			fmt.Fprintf(w, "  | %s\n", l)
		}
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	verdict := "passed"
	if !rep.Passed {
		verdict = "FAILED"
	}
	_, err := fmt.Fprintf(w, "%d gates: %d passed, %d failed — %s\n", len(rep.Gates), len(rep.Gates)-failed, failed, verdict)
	return err
}

// ReadVulns reads --vulns: the JSON report `pinwheel scan -o json`
// prints (its findings), or a JSON list in Vuln's shape (id, package,
// version, severity, aliases, fixed) as another scanner may write it. A
// malformed file is an *inputerr.Error at its line.
func ReadVulns(path string) ([]Vuln, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &inputerr.Error{Path: path, Msg: "--vulns", Err: err}
	}
	vs, err := decodeVulns(data)
	if err != nil {
		return nil, &inputerr.Error{Path: path, Line: jsonLine(data, err),
			Msg: `expected the JSON of pinwheel scan -o json, or a JSON list of {"id", "package", "version", "severity", "aliases", "fixed"}`, Err: err}
	}
	for i, v := range vs {
		if v.ID == "" || v.Package == "" {
			return nil, &inputerr.Error{Path: path, Msg: fmt.Sprintf("entry %d: expected id and package", i)}
		}
		vs[i].Severity = strings.ToUpper(v.Severity)
		if vs[i].Severity == "" {
			vs[i].Severity = "UNKNOWN"
		}
		vs[i].Aliases, vs[i].Fixed = orEmpty(v.Aliases), orEmpty(v.Fixed)
	}
	return vs, nil
}

// scanReport is the part of `pinwheel scan -o json` gates read.
type scanReport struct {
	Findings *[]struct {
		ID      string   `json:"id"`
		Aliases []string `json:"aliases"`
		Package struct {
			Name, Version string
		} `json:"package"`
		Severity struct {
			Level string `json:"level"`
		} `json:"severity"`
		Fixed []string `json:"fixed"`
	} `json:"findings"`
}

func decodeVulns(data []byte) ([]Vuln, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var vs []Vuln
		err := json.Unmarshal(data, &vs)
		return vs, err
	}
	var r scanReport
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	if r.Findings == nil {
		return nil, errors.New("no findings list")
	}
	vs := []Vuln{}
	for _, f := range *r.Findings {
		vs = append(vs, Vuln{ID: f.ID, Package: f.Package.Name, Version: f.Package.Version, Severity: f.Severity.Level, Aliases: f.Aliases, Fixed: f.Fixed})
	}
	return vs, nil
}

// jsonLine is the line of a JSON decoding error's offset in data (0 when
// the error carries none).
func jsonLine(data []byte, err error) int {
	var off int64
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	default:
		return 0
	}
	return bytes.Count(data[:min(int(off), len(data))], []byte("\n")) + 1
}
