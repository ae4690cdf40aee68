package lock

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// DiffFormats are the renderings WriteDiff knows.
var DiffFormats = []string{"text", "markdown", "json"}

// WriteDiff renders c as "text" (a terminal listing), "markdown" (a PR
// body: summary, risk list, table) or "json".
func WriteDiff(w io.Writer, c Changes, format string) error {
	switch format {
	case "", "text":
		return writeDiffText(w, c)
	case "markdown", "md":
		return writeDiffMarkdown(w, c)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	return fmt.Errorf("unknown diff format %q (want %s)", format, strings.Join(DiffFormats, ", "))
}

var changeSymbols = map[ChangeKind]string{
	ChangeAdded: "+", ChangeRemoved: "-", ChangeUpgraded: "↑", ChangeDowngraded: "↓", ChangeChanged: "~",
}

func writeDiffText(w io.Writer, c Changes) error {
	ew := &errWriter{w: w}
	ew.printf("%s (%s) → %s (%s)\n", c.Old.Path, c.Old.Format, c.New.Path, c.New.Format)
	if c.Empty() {
		ew.printf("no changes: both install the same packages (%s)\n", c.New.Hash)
		return ew.err
	}
	width := 0
	for _, ch := range c.Changes {
		width = max(width, len(ch.Name))
	}
	for _, ch := range c.Changes {
		ew.printf("  %s %-10s %-*s  %s", changeSymbols[ch.Kind], ch.Kind, width, ch.Name, versionStep(ch))
		if ch.Level != "" {
			ew.printf(" (%s)", ch.Level)
		}
		if ch.Suspicious {
			ew.printf("  SUSPICIOUS")
		}
		ew.printf("\n")
		for _, n := range ch.Notes {
			ew.printf("  %s %-10s %-*s    %s\n", " ", "", width, "", n)
		}
	}
	ew.printf("%s\n", summaryLine(c.Summary))
	return ew.err
}

func versionStep(ch Change) string {
	switch ch.Kind {
	case ChangeAdded:
		return orDash(ch.NewVersion)
	case ChangeRemoved:
		return orDash(ch.OldVersion)
	}
	if ch.OldVersion == ch.NewVersion {
		return orDash(ch.NewVersion)
	}
	return orDash(ch.OldVersion) + " → " + orDash(ch.NewVersion)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// summaryLine is "N changes: 1 added, 2 upgraded (1 major, 1 patch), ...".
func summaryLine(s Summary) string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	total := s.Added + s.Removed + s.Upgraded + s.Downgraded + s.Changed
	add(s.Added, "added")
	add(s.Removed, "removed")
	if s.Upgraded > 0 || s.Downgraded > 0 {
		var lv []string
		for _, x := range []struct {
			n    int
			what string
		}{{s.Major, "major"}, {s.Minor, "minor"}, {s.Patch, "patch"}, {s.Prerelease, "pre-release"}} {
			if x.n > 0 {
				lv = append(lv, fmt.Sprintf("%d %s", x.n, x.what))
			}
		}
		add(s.Upgraded, "upgraded")
		add(s.Downgraded, "downgraded")
		if len(lv) > 0 {
			parts[len(parts)-1] += " (" + strings.Join(lv, ", ") + ")"
		}
	}
	add(s.Changed, "changed in place")
	add(s.SourceChanged, "source changed")
	add(s.Suspicious, "suspicious hash change")
	add(s.HashesLost, "lost hashes")
	return fmt.Sprintf("%d change(s): %s; %d high risk", total, strings.Join(parts, ", "), s.HighRisk)
}

func writeDiffMarkdown(w io.Writer, c Changes) error {
	ew := &errWriter{w: w}
	ew.printf("### Dependency changes\n\n")
	ew.printf("`%s` (%s) → `%s` (%s)\n\n", c.Old.Path, c.Old.Format, c.New.Path, c.New.Format)
	if c.Empty() {
		ew.printf("No changes: both locks install the same packages (`%s`).\n", c.New.Hash)
		return ew.err
	}
	ew.printf("**%s**\n\n", summaryLine(c.Summary))
	var risky []Change
	for _, ch := range c.Changes {
		if ch.Risk == RiskHigh {
			risky = append(risky, ch)
		}
	}
	if len(risky) > 0 {
		ew.printf("#### Risk\n\n")
		for _, ch := range risky {
			ew.printf("- **%s** %s %s: %s\n", mdEscape(ch.Name), ch.Kind, mdEscape(versionStep(ch)), mdEscape(riskReason(ch)))
		}
		ew.printf("\n")
	}
	ew.printf("| Package | Change | Old | New | Level | Risk | Notes |\n")
	ew.printf("| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, ch := range c.Changes {
		name := mdEscape(ch.Name)
		if ch.Direct {
			name = "**" + name + "** (direct)"
		}
		ew.printf("| %s | %s %s | %s | %s | %s | %s | %s |\n", name, changeSymbols[ch.Kind], ch.Kind,
			mdEscape(orDash(ch.OldVersion)), mdEscape(orDash(ch.NewVersion)), orDash(string(ch.Level)), riskLabel(ch.Risk), mdEscape(strings.Join(ch.Notes, "; ")))
	}
	return ew.err
}

func riskReason(ch Change) string {
	switch {
	case ch.Suspicious:
		return "artifact content changed without a version change"
	case ch.HashesLost:
		return "hashes no longer pinned"
	case ch.Unpinned:
		return "version no longer pinned"
	case ch.Kind == ChangeDowngraded:
		return "downgrade"
	case ch.Level == LevelMajor:
		return "major version upgrade"
	case ch.SourceChanged:
		return "now from " + ch.NewSource
	}
	return string(ch.Risk)
}

func riskLabel(r Risk) string {
	if r == RiskHigh {
		return "**high**"
	}
	return string(r)
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

// errWriter keeps the first write error so renderers check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
