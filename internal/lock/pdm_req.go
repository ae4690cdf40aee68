package lock

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// parseRequirementString splits a PEP 508 dependency string as lockfiles
// write them — "name[extra1,extra2] >=1,<2 ; marker" or "name @ url ; marker" —
// into an edge. It checks the shape (a valid name, closed brackets), not
// the specifier or marker grammar, which it keeps as written.
func parseRequirementString(s string) (Dependency, bool) {
	s = strings.TrimSpace(s)
	name := requirementName(s)
	if !validDistName(name) {
		return Dependency{}, false
	}
	d := Dependency{Name: pep.NormalizeName(name)}
	rest := strings.TrimSpace(s[len(name):])
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return Dependency{}, false
		}
		for _, x := range strings.Split(rest[1:end], ",") {
			if x = strings.TrimSpace(x); x != "" {
				d.Extras = append(d.Extras, pep.NormalizeName(x))
			}
		}
		rest = strings.TrimSpace(rest[end+1:])
	}
	if strings.HasPrefix(rest, "@") {
		// A URL may itself contain ';', so the marker must follow " ;".
		if i := strings.Index(rest, " ;"); i >= 0 {
			d.Marker = strings.TrimSpace(rest[i+2:])
		}
		return d, true
	}
	spec, marker, _ := strings.Cut(rest, ";")
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "(") && strings.HasSuffix(spec, ")") {
		spec = strings.TrimSpace(spec[1 : len(spec)-1])
	}
	if spec != "" && !strings.ContainsAny(spec[:1], "<>=!~") {
		return Dependency{}, false
	}
	d.Specifier = spec
	d.Marker = strings.TrimSpace(marker)
	return d, true
}

// validDistName reports whether s is a PEP 508 distribution name:
// letters, digits, ".", "-", "_", starting and ending with a letter or digit.
func validDistName(s string) bool {
	if s == "" {
		return false
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	for i := 0; i < len(s); i++ {
		if c := s[i]; !alnum(c) && c != '.' && c != '-' && c != '_' {
			return false
		}
	}
	return alnum(s[0]) && alnum(s[len(s)-1])
}
