package check

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the report for people: findings grouped by file, each
// with its position, severity, rule, message and fix, then a summary line.
func WriteText(w io.Writer, rep Report) error {
	ew := &errWriter{w: w}
	file := "\x00"
	shown := 0
	for _, f := range rep.Findings {
		if f.Suppression != nil {
			continue
		}
		if f.File != file {
			file = f.File
			if shown > 0 {
				ew.printf("\n")
			}
			name := f.File
			if name == "" {
				name = "(project)"
			}
			ew.printf("%s\n", name)
		}
		shown++
		pos := ""
		if f.Line > 0 {
			pos = fmt.Sprintf("%d", f.Line)
			if f.Column > 0 {
				pos += fmt.Sprintf(":%d", f.Column)
			}
		}
		ew.printf("  %-7s %-8s %s  %s\n", pos, f.Severity, f.RuleID, f.Message)
		if f.Fix != "" {
			ew.printf("  %-7s %-8s        fix: %s\n", "", "", f.Fix)
		}
	}
	if shown > 0 {
		ew.printf("\n")
	}
	ew.printf("%s\n", summary(rep))
	return ew.err
}

// summary is the one-line count of findings by severity.
func summary(rep Report) string {
	counts, suppressed := rep.Counts()
	total := 0
	var parts []string
	for s := SeverityCritical; s >= SeverityInfo; s-- {
		if n := counts[s]; n > 0 {
			total += n
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	var b strings.Builder
	switch total {
	case 0:
		b.WriteString("no findings")
	case 1:
		b.WriteString("1 finding")
	default:
		fmt.Fprintf(&b, "%d findings", total)
	}
	if len(parts) > 0 {
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	if suppressed > 0 {
		fmt.Fprintf(&b, "; %d suppressed", suppressed)
	}
	return b.String()
}

// errWriter remembers the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
