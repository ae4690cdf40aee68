package refresh

import (
	"fmt"
	"io"
	"strings"
)

// MaxBody is the longest pull request body GitHub accepts (characters).
const MaxBody = 65536

// WriteMarkdown writes the plan as a pull request body: a summary table,
// then per group and package the scoped changelog. Everything that came
// from an index (reasons, labels, messages) is escaped; links are only
// http(s) URLs that passed httpURL.
func (p *Plan) WriteMarkdown(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "## %s\n\n", p.Title()) // our own words: nothing to escape
	fmt.Fprintf(b, "%s (%s", code(p.Lockfile), p.Format)
	if p.Python != "" {
		fmt.Fprintf(b, ", Python %s", esc(p.Python))
	}
	fmt.Fprintf(b, "): %d packages checked, **%d upgrades**, %d current.\n\n", p.Checked, len(p.Updates), p.Current)
	if len(p.Updates) > 0 {
		b.WriteString("| group | package | from | to | risk | labels |\n|---|---|---|---|---|---|\n")
		for _, g := range p.Groups {
			for _, name := range g.Packages {
				u := p.update(name)
				fmt.Fprintf(b, "| %s | `%s` | %s | %s | %s | %s |\n", esc(g.Name), u.Package, esc(u.From), esc(u.To), riskBadge(string(u.Risk)), esc(strings.Join(u.Labels, ", ")))
			}
		}
		b.WriteString("\n")
	}
	for _, g := range p.Groups {
		fmt.Fprintf(b, "### %s (%s risk)\n\n", esc(g.Name), g.Risk)
		for _, name := range g.Packages {
			writeUpdateMarkdown(b, p.update(name))
		}
	}
	if len(p.Notes) > 0 {
		b.WriteString("### Notes\n\n")
		for _, n := range p.Notes {
			fmt.Fprintf(b, "- `%s` %s: %s\n", n.Package, esc(n.Version), esc(oneLine(n.Message)))
		}
		b.WriteString("\n")
	}
	if r := p.Relock; r != nil {
		b.WriteString("### Re-lock\n\n")
		writeRelockMarkdown(b, r)
	}
	b.WriteString("<sub>Proposed by `pinwheel refresh`.</sub>\n")
	out := b.String()
	if len([]rune(out)) > MaxBody {
		out = string([]rune(out)[:MaxBody-80]) + "\n\n… (cut at GitHub's body limit; run `pinwheel refresh` for the rest)\n"
	}
	_, err := io.WriteString(w, out)
	return err
}

func writeUpdateMarkdown(b *strings.Builder, u Update) {
	fmt.Fprintf(b, "#### `%s` %s → %s\n\n", u.Package, esc(u.From), esc(u.To))
	fmt.Fprintf(b, "- **Risk:** %s (%s)\n", riskBadge(string(u.Risk)), esc(strings.Join(u.Labels, ", ")))
	fmt.Fprintf(b, "- **Releases in range:** %s\n", esc(strings.Join(u.Changelog.Releases, ", ")))
	if len(u.Changelog.Links) > 0 {
		var links []string
		for _, l := range u.Changelog.Links {
			links = append(links, fmt.Sprintf("[%s](%s)", esc(l.Label), l.URL))
		}
		fmt.Fprintf(b, "- **What changed:** %s\n", strings.Join(links, " · "))
	} else {
		fmt.Fprintf(b, "- **What changed:** no changelog link (%s)\n", esc(oneLine(u.Changelog.Metadata)))
	}
	if len(u.NewDependencies) > 0 {
		var deps []string
		for _, d := range u.NewDependencies {
			deps = append(deps, "`"+d+"`")
		}
		fmt.Fprintf(b, "- **New dependencies:** %s\n", strings.Join(deps, ", "))
	}
	if u.LockedYanked {
		fmt.Fprintf(b, "- **The locked %s is %s**\n", esc(u.From), esc(yankedText(u.YankedReason)))
	}
	if hasLabel(u, LabelNewIndex) {
		fmt.Fprintf(b, "- **New index:** %s (locked from %s)\n", esc(u.Index), esc(u.LockedIndex))
	}
	for _, s := range u.Skipped {
		fmt.Fprintf(b, "- Not proposed: %s (%s)\n", esc(s.Version), esc(s.Reason))
	}
	b.WriteString("\n")
}

func writeRelockMarkdown(b *strings.Builder, r *Relock) {
	switch {
	case r.Unsupported != "":
		fmt.Fprintf(b, "%s. This pull request carries the plan only.\n\n", esc(r.Unsupported))
	case r.Ran && r.Err == "":
		fmt.Fprintf(b, "Re-locked with `%s`:\n\n```\n%s\n```\n\n", r.Tool, fence(r.Command()))
	case r.Ran:
		fmt.Fprintf(b, "**Re-lock failed:** %s. This pull request carries the plan only; the command was:\n\n```\n%s\n```\n\nand it said:\n\n```\n%s\n```\n\n", esc(oneLine(r.Err)), fence(r.Command()), fence(strings.TrimSpace(r.Output)))
	default:
		why := fmt.Sprintf("`%s` is not installed where `pinwheel refresh` ran", r.Tool)
		if r.Installed {
			why = "`pinwheel refresh` ran without --relock"
		}
		fmt.Fprintf(b, "**Not re-locked:** %s. This pull request carries the plan only; to apply it, run in %s and push to this branch:\n\n```\n%s\n```\n\n", why, code(r.Dir), fence(r.Command()))
	}
}

func riskBadge(r string) string {
	switch r {
	case "high":
		return "🔴 high"
	case "medium":
		return "🟠 medium"
	}
	return "🟢 low"
}

// esc makes index-supplied text inert in markdown: no links, images,
// HTML, table breaks or emphasis.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_{}[]()<>#+!|~&@", r) {
			b.WriteByte('\\')
		}
		if r == '\n' || r == '\r' {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// code is s as an inline code span (no backslash escapes work inside one).
func code(s string) string { return "`" + strings.ReplaceAll(oneLine(s), "`", "'") + "`" }

// fence keeps a code block closed: no line may open another fence.
func fence(s string) string { return strings.ReplaceAll(s, "```", "'''") }
