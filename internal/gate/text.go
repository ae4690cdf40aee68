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

// ReadVulns reads a JSON list of vulnerabilities in Vuln's shape (id,
// package, version, severity, aliases, fixed), as a scanner writes them
// for --vulns. A malformed file is an *inputerr.Error.
func ReadVulns(path string) ([]Vuln, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &inputerr.Error{Path: path, Msg: "--vulns", Err: err}
	}
	var vs []Vuln
	if err := json.Unmarshal(data, &vs); err != nil {
		return nil, &inputerr.Error{Path: path, Line: jsonLine(data, err), Msg: `expected a JSON list of {"id", "package", "version", "severity", "aliases", "fixed"}`, Err: err}
	}
	for i, v := range vs {
		if v.ID == "" || v.Package == "" {
			return nil, &inputerr.Error{Path: path, Msg: fmt.Sprintf("entry %d: expected id and package", i)}
		}
		vs[i].Severity = strings.ToUpper(v.Severity)
		vs[i].Aliases, vs[i].Fixed = orEmpty(v.Aliases), orEmpty(v.Fixed)
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
