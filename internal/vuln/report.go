package vuln

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// Location is where a package comes from: a lockfile line, an image
// layer's file.
type Location struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
}

// Report is what pinwheel scan prints.
type Report struct {
	Targets        []string  `json:"targets"`
	Packages       int       `json:"packages"`
	Findings       []Finding `json:"findings"`
	Ignored        []Ignored `json:"ignored,omitempty"`
	ExpiredIgnores []Ignore  `json:"expiredIgnores,omitempty"`
}

// Fails says whether the report fails a --fail-on threshold: a finding at
// or above min, or any expired ignore entry.
func (r Report) Fails(min Level) bool {
	if len(r.ExpiredIgnores) > 0 {
		return true
	}
	for _, f := range r.Findings {
		if f.Severity.Level >= min {
			return true
		}
	}
	return false
}

// PURL is the package's purl: pkg:pypi/NAME@V, pkg:deb/debian/NAME@V?distro=debian-12.
func (p Package) PURL() string {
	base, release := splitEcosystem(p.Ecosystem)
	switch base {
	case PyPI:
		return packageurl.NewPackageURL(packageurl.TypePyPi, "", p.Name, p.Version, nil, "").ToString()
	case Debian:
		var q packageurl.Qualifiers
		if release != "" {
			q = packageurl.QualifiersFromMap(map[string]string{"distro": "debian-" + release})
		}
		return packageurl.NewPackageURL(packageurl.TypeDebian, "debian", p.Name, p.Version, q, "").ToString()
	}
	return packageurl.NewPackageURL("generic", "", p.Name, p.Version, nil, "").ToString()
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes one block per finding, then the ignored and expired
// entries and a summary line.
func WriteText(w io.Writer, r Report) error {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%-8s %s  %s %s (%s)\n", f.Severity.Level, f.ID, f.Package.Name, f.Package.Version, f.Package.Ecosystem)
		if f.Summary != "" {
			fmt.Fprintf(&b, "         %s\n", f.Summary)
		}
		if len(f.Aliases) > 0 {
			fmt.Fprintf(&b, "         aliases: %s\n", strings.Join(f.Aliases, ", "))
		}
		if f.Severity.Score > 0 {
			fmt.Fprintf(&b, "         score: %.1f %s\n", f.Severity.Score, f.Severity.Vector)
		}
		if len(f.Fixed) > 0 {
			fmt.Fprintf(&b, "         fixed in: %s\n", strings.Join(f.Fixed, ", "))
		}
		for _, l := range f.Locations {
			fmt.Fprintf(&b, "         at: %s\n", l)
		}
	}
	for _, ig := range r.Ignored {
		fmt.Fprintf(&b, "ignored  %s  %s %s until %s (%s:%d): %s\n", ig.ID, ig.Package.Name, ig.Package.Version, ig.By.Expires.Format("2006-01-02"), ig.By.File, ig.By.Line, ig.By.Reason)
	}
	for _, ig := range r.ExpiredIgnores {
		fmt.Fprintf(&b, "EXPIRED  ignore of %s expired on %s (%s:%d): %s\n", ig.ID, ig.Expires.Format("2006-01-02"), ig.File, ig.Line, ig.Reason)
	}
	fmt.Fprintf(&b, "%d packages scanned in %s: %s", r.Packages, strings.Join(r.Targets, ", "), countLine(r))
	_, err := io.WriteString(w, b.String())
	return err
}

func (l Location) String() string {
	if l.Line > 0 {
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return l.File
}

func countLine(r Report) string {
	if len(r.Findings) == 0 && len(r.ExpiredIgnores) == 0 {
		return fmt.Sprintf("no known vulnerabilities (%d ignored)\n", len(r.Ignored))
	}
	n := map[Level]int{}
	for _, f := range r.Findings {
		n[f.Severity.Level]++
	}
	var parts []string
	for l := Critical; l >= Unknown; l-- {
		if n[l] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[l], strings.ToLower(l.String())))
		}
	}
	s := fmt.Sprintf("%d vulnerabilities (%s), %d ignored", len(r.Findings), strings.Join(parts, ", "), len(r.Ignored))
	if len(r.ExpiredIgnores) > 0 {
		s += fmt.Sprintf(", %d expired ignores", len(r.ExpiredIgnores))
	}
	return s + "\n"
}
