package debian

import (
	"fmt"
	"strings"
)

// Relation is one package named in a relationship field (Debian Policy
// §7.1): "libssl3 (>= 3.0.0)", "python3:any", "debconf-2.0".
type Relation struct {
	Name string
	// Arch is the qualifier after ':' ("any", "native" or an architecture).
	Arch string
	// Op is one of << <= = >= >> ("" when unversioned); the obsolete < and
	// > are read as <= and >= as dpkg does.
	Op      string
	Version Version
}

func (r Relation) String() string {
	s := r.Name
	if r.Arch != "" {
		s += ":" + r.Arch
	}
	if r.Op != "" {
		s += " (" + r.Op + " " + r.Version.String() + ")"
	}
	return s
}

// Alternatives are relations joined with '|': any one satisfies it.
type Alternatives []Relation

func (a Alternatives) String() string {
	parts := make([]string, len(a))
	for i, r := range a {
		parts[i] = r.String()
	}
	return strings.Join(parts, " | ")
}

// Satisfied reports whether version v meets r's version constraint.
func (r Relation) Satisfied(v Version) bool {
	if r.Op == "" {
		return true
	}
	c := Compare(v, r.Version)
	switch r.Op {
	case "<<":
		return c < 0
	case "<=":
		return c <= 0
	case "=":
		return c == 0
	case ">=":
		return c >= 0
	case ">>":
		return c > 0
	}
	return false
}

// ParseRelations parses a Depends/Pre-Depends/Provides-style field:
// comma-separated groups of '|'-separated alternatives. Architecture
// restrictions ("[amd64]") and build profiles ("<!nocheck>") are accepted
// and ignored: they only occur in source packages.
func ParseRelations(s string) ([]Alternatives, error) {
	var out []Alternatives
	for _, group := range strings.Split(s, ",") {
		group = strings.TrimSpace(group)
		if group == "" {
			continue
		}
		var alts Alternatives
		for _, one := range strings.Split(group, "|") {
			r, err := parseRelation(strings.TrimSpace(one))
			if err != nil {
				return nil, err
			}
			alts = append(alts, r)
		}
		out = append(out, alts)
	}
	return out, nil
}

func parseRelation(s string) (Relation, error) {
	var r Relation
	rest := s
	if i := strings.IndexAny(rest, "[<"); i >= 0 && !strings.Contains(rest[:i], "(") {
		rest = strings.TrimSpace(rest[:i]) // architecture list / build profiles
	} else if i := strings.IndexByte(rest, ')'); i >= 0 {
		rest = rest[:i+1]
	}
	name := rest
	if i := strings.IndexByte(rest, '('); i >= 0 {
		name = strings.TrimSpace(rest[:i])
		inner, ok := strings.CutSuffix(strings.TrimSpace(rest[i+1:]), ")")
		if !ok {
			return r, fmt.Errorf("relation %q: missing ')'", s)
		}
		inner = strings.TrimSpace(inner)
		j := 0
		for j < len(inner) && strings.IndexByte("<=>", inner[j]) >= 0 {
			j++
		}
		r.Op = inner[:j]
		switch r.Op {
		case "<":
			r.Op = "<="
		case ">":
			r.Op = ">="
		case "<<", "<=", "=", ">=", ">>":
		default:
			return r, fmt.Errorf("relation %q: unknown operator %q (want <<, <=, =, >= or >>)", s, r.Op)
		}
		v, err := ParseVersion(strings.TrimSpace(inner[j:]))
		if err != nil {
			return r, fmt.Errorf("relation %q: %w", s, err)
		}
		r.Version = v
	}
	if n, a, ok := strings.Cut(name, ":"); ok {
		name, r.Arch = n, a
	}
	if !validName(name) {
		return r, fmt.Errorf("relation %q: %q is not a package name", s, name)
	}
	r.Name = name
	return r, nil
}

// validName: lowercase letters, digits, + - . ; starting alphanumeric (Policy §5.6.1).
func validName(s string) bool {
	if s == "" || !(isDigit(s[0]) || (s[0] >= 'a' && s[0] <= 'z')) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || (c >= 'a' && c <= 'z') || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
