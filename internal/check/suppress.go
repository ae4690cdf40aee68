package check

import (
	"regexp"
	"sort"
	"strings"
)

// suppressRe finds an inline suppression: `pinwheel:ignore PW301[,PW302…]`
// optionally followed by `reason: text`.
var suppressRe = regexp.MustCompile(`pinwheel:ignore\b((?:[\s,]+PW\d{3})*)\s*(.*)$`)

// suppression is one inline pinwheel:ignore comment.
type suppression struct {
	file   string
	line   int
	ids    []string
	reason string
}

// parseSuppressions finds the pinwheel:ignore comments in a file's text.
func parseSuppressions(file string, data []byte) []suppression {
	var out []suppression
	for i, line := range strings.Split(string(data), "\n") {
		m := suppressRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		s := suppression{file: file, line: i + 1}
		for _, id := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			s.ids = append(s.ids, id)
		}
		rest := strings.TrimSpace(m[2])
		if low := strings.ToLower(rest); strings.HasPrefix(low, "reason:") || strings.HasPrefix(low, "reason=") {
			s.reason = strings.TrimSpace(rest[len("reason:"):])
		}
		out = append(out, s)
	}
	return out
}

// covers reports whether s silences finding f: same file, the finding's
// line (or its instruction's first line) is the comment's line or the one
// below it, and the rule is named.
func (s suppression) covers(f Finding) bool {
	if f.File != s.file || f.Line == 0 {
		return false
	}
	near := func(l int) bool { return l == s.line || l == s.line+1 }
	if !near(f.Line) && !(f.instrLine > 0 && near(f.instrLine)) {
		return false
	}
	for _, id := range s.ids {
		if id == f.RuleID {
			return true
		}
	}
	return false
}

// applySuppressions marks findings covered by a reasoned pinwheel:ignore
// comment as suppressed, and adds PW001 for comments without a reason and
// PW002 for comments naming no known rule. Those two cannot be suppressed.
func applySuppressions(p *project, findings []Finding) []Finding {
	var all []suppression
	for _, file := range sortedKeys(p.files) {
		all = append(all, parseSuppressions(file, p.files[file])...)
	}
	var extra []Finding
	for _, s := range all {
		if len(s.ids) == 0 {
			extra = append(extra, newFinding("PW002", s.file, s.line, "pinwheel:ignore names no rule ID (want e.g. `# pinwheel:ignore PW301 reason: …`)"))
			continue
		}
		for _, id := range s.ids {
			if _, ok := Rules[id]; !ok {
				extra = append(extra, newFinding("PW002", s.file, s.line, "pinwheel:ignore names unknown rule "+id))
			}
		}
		if s.reason == "" {
			extra = append(extra, newFinding("PW001", s.file, s.line,
				"pinwheel:ignore "+strings.Join(s.ids, ",")+" gives no reason, so it suppresses nothing"))
		}
	}
	for i := range findings {
		for _, s := range all {
			if s.reason != "" && s.covers(findings[i]) {
				findings[i].Suppression = &Suppression{File: s.file, Line: s.line, Reason: s.reason}
				break
			}
		}
	}
	return append(findings, extra...)
}

func newFinding(id, file string, line int, msg string) Finding {
	return Finding{RuleID: id, Severity: Rules[id].Severity, File: file, Line: line, Message: msg}
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
