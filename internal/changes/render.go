package changes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"pinwheel.dev/pinwheel/internal/lock"
)

// Formats are the renderings Write knows.
var Formats = []string{"text", "markdown", "json"}

// Write renders d as "text", "markdown" (for issues and PR bodies) or "json".
func Write(w io.Writer, d Diff, format string) error {
	switch format {
	case "", "text":
		return writeText(w, d)
	case "markdown", "md":
		return writeMarkdown(w, d)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// headline lists the top-level changes in display order.
func (d Diff) headline() []FieldChange {
	var out []FieldChange
	for _, c := range []*FieldChange{d.ImageDigest, d.LockHash, d.Python, d.BaseImage} {
		if c != nil {
			out = append(out, *c)
		}
	}
	return out
}

// Unchanged reports whether nothing recorded differs.
func (d Diff) Unchanged() bool {
	return len(d.headline()) == 0 && d.GitRange == "" && len(d.Build) == 0 && len(d.Config) == 0 &&
		(d.Lock == nil || d.Lock.Empty())
}

func writeText(w io.Writer, d Diff) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "what changed: %s → %s\n", d.Old, d.New)
	if d.Unchanged() {
		b.WriteString("  nothing: same image, lock, config and commit\n")
		_, err := w.Write(b.Bytes())
		return err
	}
	for _, c := range d.headline() {
		fmt.Fprintf(&b, "  %-14s %s → %s\n", c.Field, orNone(c.Old), orNone(c.New))
	}
	if d.GitRange != "" {
		fmt.Fprintf(&b, "  %-14s %s\n", "git", d.GitRange)
		for _, c := range d.Commits {
			fmt.Fprintf(&b, "                   %s\n", c)
		}
	}
	for _, c := range d.Build {
		fmt.Fprintf(&b, "  %-14s %s → %s\n", c.Field, orNone(c.Old), orNone(c.New))
	}
	if len(d.Config) > 0 {
		b.WriteString("  config:\n")
		for _, c := range d.Config {
			fmt.Fprintf(&b, "    %s: %s → %s\n", c.Field, orNone(c.Old), orNone(c.New))
		}
	}
	if d.Lock != nil {
		if d.Lock.Empty() {
			b.WriteString("  lock: no package changes\n")
		} else {
			b.WriteString("  lock:\n")
			var lb bytes.Buffer
			if err := lock.WriteDiff(&lb, *d.Lock, "text"); err != nil {
				return err
			}
			// Skip the lock renderer's path header: both sides are snapshots.
			lines := strings.Split(strings.TrimRight(lb.String(), "\n"), "\n")
			for _, l := range lines[1:] {
				b.WriteString("  " + l + "\n")
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func writeMarkdown(w io.Writer, d Diff) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "### What changed: `%s` → `%s`\n\n", d.Old, d.New)
	if d.Unchanged() {
		b.WriteString("Nothing: same image, lock, config and commit.\n")
		_, err := w.Write(b.Bytes())
		return err
	}
	rows := d.headline()
	rows = append(rows, d.Build...)
	if len(rows) > 0 {
		b.WriteString("| | old | new |\n|---|---|---|\n")
		for _, c := range rows {
			fmt.Fprintf(&b, "| %s | `%s` | `%s` |\n", c.Field, orNone(c.Old), orNone(c.New))
		}
		b.WriteString("\n")
	}
	if d.GitRange != "" {
		fmt.Fprintf(&b, "**Git range** `%s`\n\n", d.GitRange)
	}
	if len(d.Commits) > 0 {
		b.WriteString("**Commits**\n\n")
		for _, c := range d.Commits {
			fmt.Fprintf(&b, "- %s\n", c)
		}
		b.WriteString("\n")
	}
	if len(d.Config) > 0 {
		b.WriteString("**Config**\n\n| key | old | new |\n|---|---|---|\n")
		for _, c := range d.Config {
			fmt.Fprintf(&b, "| `%s` | `%s` | `%s` |\n", c.Field, orNone(c.Old), orNone(c.New))
		}
		b.WriteString("\n")
	}
	if d.Lock != nil && !d.Lock.Empty() {
		b.WriteString("**Dependencies**\n\n")
		if err := lock.WriteDiff(&b, *d.Lock, "markdown"); err != nil {
			return err
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
