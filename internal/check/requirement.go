package check

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// pep508 is the part of a PEP 508 requirement string the rules look at.
type pep508 struct {
	Name      string // as written
	Specifier string // version clauses, without parentheses
	URL       string // for `name @ url`
	Marker    string
}

// splitRequirement splits a PEP 508 requirement string; ok is false when it
// does not start with a project name.
func splitRequirement(s string) (r pep508, ok bool) {
	m := pep508Name.FindStringSubmatch(s)
	if m == nil {
		return r, false
	}
	r.Name = m[1]
	rest := s[len(m[0]):]
	if before, after, found := strings.Cut(rest, ";"); found {
		rest, r.Marker = before, strings.TrimSpace(after)
	}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "[") {
		if i := strings.Index(rest, "]"); i >= 0 {
			rest = strings.TrimSpace(rest[i+1:])
		}
	}
	if u, found := strings.CutPrefix(rest, "@"); found {
		r.URL = strings.TrimSpace(u)
		return r, true
	}
	rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")"))
	r.Specifier = rest
	return r, true
}

// exactPin reports whether spec pins exactly one version (== without a
// wildcard, or ===).
func exactPin(spec string) bool {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "===") {
		return true
	}
	set, err := pep.ParseSpecifierSet(spec)
	if err != nil {
		return false
	}
	return set.IsExactPin()
}

// pythonBounds reports whether a requires-python specifier has a lower and
// an upper bound.
func pythonBounds(spec string) (lower, upper bool, err error) {
	if strings.HasPrefix(spec, "^") || strings.HasPrefix(spec, "~") && !strings.HasPrefix(spec, "~=") {
		return true, true, nil // poetry's caret and tilde ranges are bounded both ways
	}
	set, err := pep.ParseSpecifierSet(spec)
	if err != nil {
		return false, false, err
	}
	for _, s := range set.Specifiers() {
		switch s.Operator() {
		case ">=", ">":
			lower = true
		case "<", "<=":
			upper = true
		case "==", "~=", "===":
			lower, upper = true, true
		}
	}
	return lower, upper, nil
}
