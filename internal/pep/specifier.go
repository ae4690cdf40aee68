package pep

import (
	"sort"
	"strings"
)

// Specifier is one PEP 440 version clause such as ">=1.2" or "==3.*".
type Specifier struct {
	op       string  // "~=", "==", "!=", "<=", ">=", "<", ">" or "==="
	version  Version // unset for "==="
	wildcard bool    // "==X.*" / "!=X.*"
	raw      string  // the operand of "===", verbatim
}

// operators in the order they must be tried (longest first).
var operators = []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"}

// ParseSpecifier parses one clause: an operator followed by a version, with
// optional whitespace between. It enforces PEP 440's per-operator rules: ".*"
// only after "==" or "!=" and only on a plain release; local labels only with
// "==", "!=" and "==="; "~=" needs at least two release numbers.
func ParseSpecifier(s string) (Specifier, error) {
	return parseSpecifierAt(s, 0)
}

// parseSpecifierAt parses s, reporting columns offset by base.
func parseSpecifierAt(s string, base int) (Specifier, error) {
	trimmed := strings.TrimLeft(s, " \t\r\n")
	start := base + len(s) - len(trimmed)
	trimmed = strings.TrimRight(trimmed, " \t\r\n")
	fail := func(col int, format string, args ...any) error {
		return syntaxErr("specifier", s, col, format, args...)
	}
	var sp Specifier
	for _, op := range operators {
		if strings.HasPrefix(trimmed, op) {
			sp.op = op
			break
		}
	}
	if sp.op == "" {
		return sp, fail(start+1, "expected an operator (~=, ==, !=, <=, >=, <, >, ===) in %q", trimmed)
	}
	operand := strings.TrimLeft(trimmed[len(sp.op):], " \t")
	col := start + len(trimmed) - len(operand) + 1
	if operand == "" {
		return sp, fail(col, "expected a version after %q", sp.op)
	}
	if i := strings.IndexAny(operand, " \t"); i >= 0 {
		return sp, fail(col+i, "unexpected whitespace in version %q", operand)
	}
	if sp.op == "===" {
		sp.raw = operand
		return sp, nil
	}
	text := operand
	if strings.HasSuffix(operand, ".*") {
		if sp.op != "==" && sp.op != "!=" {
			return sp, fail(col+len(operand)-2, "a \".*\" wildcard is only allowed with == and !=")
		}
		sp.wildcard = true
		text = operand[:len(operand)-2]
	}
	v, err := ParseVersion(text)
	if err != nil {
		if se, ok := err.(*SyntaxError); ok && se.Col > 0 {
			return sp, fail(col+se.Col-1, "%s", se.Msg)
		}
		return sp, fail(col, "invalid version %q", operand)
	}
	sp.version = v
	switch {
	case sp.wildcard && (v.preKind != "" || v.hasPost || v.hasDev || len(v.local) > 0):
		return sp, fail(col, "a \".*\" wildcard may only follow a release number, not %q", text)
	case len(v.local) > 0 && sp.op != "==" && sp.op != "!=":
		return sp, fail(col, "a local version label is not allowed with %s", sp.op)
	case sp.op == "~=" && len(v.release) < 2:
		return sp, fail(col, "~= needs at least two release numbers, got %q", operand)
	}
	return sp, nil
}

// Operator returns the clause's operator, e.g. ">=".
func (s Specifier) Operator() string { return s.op }

// Wildcard reports whether the clause is "==V.*" or "!=V.*".
func (s Specifier) Wildcard() bool { return s.wildcard }

// Version returns the clause's version (the zero Version for "===").
func (s Specifier) Version() Version { return s.version }

// String returns the clause with its version normalised, e.g. "~=1.4".
func (s Specifier) String() string {
	switch {
	case s.op == "===":
		return s.op + s.raw
	case s.wildcard:
		return s.op + s.version.String() + ".*"
	}
	return s.op + s.version.String()
}

// mentionsPrerelease reports whether the clause asks for a pre-release
// explicitly (e.g. ">=1.0b1"), which lets the set admit pre-releases.
func (s Specifier) mentionsPrerelease() bool {
	switch s.op {
	case "==", ">=", "<=", "~=", "<", ">":
		return s.version.IsPrerelease()
	case "===":
		v, err := ParseVersion(s.raw)
		return err == nil && v.IsPrerelease()
	}
	return false
}

// SpecifierSet is a comma-separated list of clauses that must all hold.
// The zero value is the empty set, which every final release satisfies.
type SpecifierSet struct {
	specs []Specifier
}

// ParseSpecifierSet parses a comma-separated list of clauses, e.g.
// ">=1.2, !=1.3.*, <2". Empty items are ignored, as pip does.
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	var set SpecifierSet
	offset := 0
	for _, item := range strings.Split(s, ",") {
		if strings.TrimSpace(item) != "" {
			sp, err := parseSpecifierAt(item, offset)
			if err != nil {
				if se, ok := err.(*SyntaxError); ok {
					se.Input = s
				}
				return SpecifierSet{}, err
			}
			set.specs = append(set.specs, sp)
		}
		offset += len(item) + 1
	}
	return set, nil
}

// Specifiers returns the clauses in the order written.
func (s SpecifierSet) Specifiers() []Specifier { return append([]Specifier(nil), s.specs...) }

// Len returns the number of clauses.
func (s SpecifierSet) Len() int { return len(s.specs) }

// String returns the clauses normalised, de-duplicated, sorted and joined
// with "," so equal sets print equally.
func (s SpecifierSet) String() string {
	parts := make([]string, 0, len(s.specs))
	seen := map[string]bool{}
	for _, sp := range s.specs {
		if str := sp.String(); !seen[str] {
			seen[str] = true
			parts = append(parts, str)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// IsExactPin reports whether the set is a single "==X" without a wildcard,
// or a single "===X": the form a lockfile pins with.
func (s SpecifierSet) IsExactPin() bool {
	if len(s.specs) != 1 {
		return false
	}
	sp := s.specs[0]
	return (sp.op == "==" && !sp.wildcard) || sp.op == "==="
}

// Contains reports whether v satisfies every clause. Pre-releases (and dev
// releases) are excluded unless allowPre is true or a clause names a
// pre-release itself, as PEP 440 asks of installers by default.
func (s SpecifierSet) Contains(v Version, allowPre bool) bool {
	if v.IsPrerelease() && !allowPre && !s.mentionsPrerelease() {
		return false
	}
	for _, sp := range s.specs {
		if !sp.matches(v) {
			return false
		}
	}
	return true
}

func (s SpecifierSet) mentionsPrerelease() bool {
	for _, sp := range s.specs {
		if sp.mentionsPrerelease() {
			return true
		}
	}
	return false
}

// Contains reports whether v satisfies this one clause, with the same
// pre-release rule as SpecifierSet.Contains.
func (s Specifier) Contains(v Version, allowPre bool) bool {
	return SpecifierSet{specs: []Specifier{s}}.Contains(v, allowPre)
}

// Filter returns the versions the set admits, in their input order, with
// PEP 440's fallback for pre-releases: when pre-releases are not allowed
// (allowPre false and no clause names one) but the only matches are
// pre-releases, those are returned.
func (s SpecifierSet) Filter(versions []Version, allowPre bool) []Version {
	allowPre = allowPre || s.mentionsPrerelease()
	var finals, pres []Version
	for _, v := range versions {
		if !s.Contains(v, true) {
			continue
		}
		if v.IsPrerelease() && !allowPre {
			pres = append(pres, v)
		} else {
			finals = append(finals, v)
		}
	}
	if len(finals) == 0 {
		return pres
	}
	return finals
}
