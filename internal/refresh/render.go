package refresh

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Title is the pull request title for the plan.
func (p *Plan) Title() string {
	switch len(p.Updates) {
	case 0:
		return "Lock refresh: nothing to upgrade"
	case 1:
		u := p.Updates[0]
		return fmt.Sprintf("Lock refresh: %s %s → %s", u.Package, u.From, u.To)
	}
	return fmt.Sprintf("Lock refresh: %d upgrades (%s risk at most)", len(p.Updates), p.highestRisk())
}

// WriteJSON writes the plan as indented JSON.
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// WriteText writes the plan for a terminal.
func (p *Plan) WriteText(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%s: %d packages checked, %d upgrades, %d current\n", p.Lockfile, p.Checked, len(p.Updates), p.Current)
	for _, g := range p.Groups {
		fmt.Fprintf(b, "\n%s (%s risk)\n", g.Name, g.Risk)
		for _, name := range g.Packages {
			u := p.update(name)
			fmt.Fprintf(b, "  %-24s %s → %s  [%s]\n", u.Package, u.From, u.To, strings.Join(u.Labels, ", "))
			if len(u.Changelog.Releases) > 1 {
				fmt.Fprintf(b, "      in range: %s\n", strings.Join(u.Changelog.Releases, ", "))
			}
			if len(u.NewDependencies) > 0 {
				fmt.Fprintf(b, "      new dependencies: %s\n", strings.Join(u.NewDependencies, ", "))
			}
			if u.LockedYanked {
				fmt.Fprintf(b, "      locked %s is %s\n", u.From, yankedText(u.YankedReason))
			}
			if hasLabel(u, LabelNewIndex) {
				fmt.Fprintf(b, "      from %s (locked from %s)\n", u.Index, u.LockedIndex)
			}
			for _, l := range u.Changelog.Links {
				fmt.Fprintf(b, "      %s: %s\n", strings.ToLower(l.Label), l.URL)
			}
			for _, s := range u.Skipped {
				fmt.Fprintf(b, "      not %s: %s\n", s.Version, s.Reason)
			}
		}
	}
	if len(p.Notes) > 0 {
		fmt.Fprintf(b, "\nnotes\n")
		for _, n := range p.Notes {
			fmt.Fprintf(b, "  %-24s %s\n", strings.TrimSpace(n.Package+" "+n.Version), oneLine(n.Message))
		}
	}
	if r := p.Relock; r != nil {
		fmt.Fprintf(b, "\n%s\n", relockText(r))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (p *Plan) update(name string) Update {
	for _, u := range p.Updates {
		if u.Package == name {
			return u
		}
	}
	return Update{}
}

func hasLabel(u Update, l string) bool { return slices.Contains(u.Labels, l) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// relockText says what happened to the lockfile, in one paragraph.
func relockText(r *Relock) string {
	switch {
	case r.Unsupported != "":
		return "re-lock: " + r.Unsupported
	case r.Ran && r.Err != "":
		return fmt.Sprintf("re-lock FAILED: %s in %s: %s\n%s", r.Command(), r.Dir, r.Err, strings.TrimSpace(r.Output))
	case r.Ran:
		return fmt.Sprintf("re-locked with %s: %s (in %s)", r.Tool, r.Command(), r.Dir)
	case r.Installed:
		return fmt.Sprintf("not re-locked (%s is installed; pass --relock or --open-pr): %s (in %s)", r.Tool, r.Command(), r.Dir)
	}
	return fmt.Sprintf("not re-locked: %s is not installed here; run in %s:\n  %s", r.Tool, r.Dir, r.Command())
}
