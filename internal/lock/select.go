package lock

import (
	"fmt"
	"slices"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// Want is what a service asks of its lock beyond the production set:
// pinwheel.yaml's groups: and extras:.
type Want struct {
	Groups []string
	Extras []string
	// Dir is the service's directory. When l is a uv workspace's lock and
	// Dir is one of its members' trees, only what that member needs is
	// selected (uv sync --package MEMBER), not the whole workspace.
	Dir string
}

// Selection is the set of packages a service installs from a lock: the
// production set of the lock's format plus what Want adds. Build, SBOM,
// check and scan all use it, so they speak of the same packages.
type Selection struct {
	// Packages are the selected packages, in lock order. Environment
	// markers are not decided here: a build evaluates them for its target.
	Packages []Package
	// Excluded are the packages left out, each with why.
	Excluded []Excluded
	// Groups and Extras are the dependency groups and extras in effect
	// (the defaults plus Want), normalised: the values of the PEP 751
	// marker variables dependency_groups and extras for the build.
	Groups []string
	Extras []string
	// Rule says in words what the lock's production set is.
	Rule string
	// Member is the workspace member selected for, when Want.Dir is one.
	Member string
}

// Excluded is a package Select left out.
type Excluded struct {
	Package Package
	Reason  string
}

// UnknownGroupError is a group or extra Want names that the lock does not
// have. Index is its position in Want.Groups or Want.Extras, so the caller
// can point at the line of pinwheel.yaml that names it.
type UnknownGroupError struct {
	Kind  string // "group" or "extra"
	Name  string
	Index int
	Have  []string // what the lock has of that kind
	Lock  string   // the lock's path
}

func (e *UnknownGroupError) Error() string {
	have := "none"
	if len(e.Have) > 0 {
		have = strings.Join(e.Have, ", ")
	}
	return fmt.Sprintf("%s %q is not in %s (its %ss: %s)", e.Kind, e.Name, e.Lock, e.Kind, have)
}

// Select picks the packages a service installs from l: the production set
// of l's format (see ProductionRule) plus the groups and extras w names.
// Packages whose format records no groups (requirements files) are always
// selected. A group or extra the lock does not have is an
// *UnknownGroupError.
func Select(l *Lock, w Want) (*Selection, error) {
	if err := checkWant(l, w); err != nil {
		return nil, err
	}
	s := &Selection{Rule: ProductionRule(l)}
	for _, g := range append(slices.Clone(l.DefaultGroups), w.Groups...) {
		s.Groups = addUnique(s.Groups, pep.NormalizeName(g))
	}
	for _, x := range w.Extras {
		s.Extras = addUnique(s.Extras, pep.NormalizeName(x))
	}
	s.Packages = []Package{}
	var reach map[[2]string]bool
	if m := memberAt(l, w.Dir); m != nil {
		s.Member = m.Name
		s.Rule += ", for workspace member " + m.Name
		reach = s.memberReach(l, m)
	}
	for _, p := range l.Packages {
		reason := s.exclude(l, p)
		if reason == "" && reach != nil && !reach[[2]string{p.Name, p.Version}] {
			reason = "not needed by workspace member " + s.Member
		}
		if reason != "" {
			s.Excluded = append(s.Excluded, Excluded{Package: p, Reason: reason})
			continue
		}
		s.Packages = append(s.Packages, p)
	}
	return s, nil
}

// exclude is why p is not selected, or "" when it is.
func (s *Selection) exclude(l *Lock, p Package) string {
	if l.Format == FormatPylock {
		return s.excludePylock(p)
	}
	if len(p.Groups) == 0 {
		return ""
	}
	for _, g := range p.Groups {
		g = pep.NormalizeName(g)
		if g == "main" || slices.Contains(s.Groups, g) || slices.Contains(s.Extras, g) {
			return ""
		}
	}
	return "only in " + strings.Join(p.Groups, ", ")
}

// excludePylock decides a PEP 751 package by its marker, with extras and
// dependency_groups set as the spec's installation steps say; the rest of
// the environment is left to the build.
func (s *Selection) excludePylock(p Package) string {
	if p.Marker == "" {
		return ""
	}
	m, err := pep.ParseMarker(p.Marker)
	if err != nil {
		return "" // the build reports the bad marker for its target
	}
	known := pep.Environment{"dependency_groups": strings.Join(s.Groups, ","), "extras": strings.Join(s.Extras, ",")}
	v, decided, err := m.EvaluateKnown(known)
	if err != nil || !decided || v {
		return ""
	}
	return fmt.Sprintf("marker %q is false with dependency_groups = {%s}, extras = {%s}",
		p.Marker, strings.Join(s.Groups, ", "), strings.Join(s.Extras, ", "))
}

// Env returns env with the PEP 751 set variables of s: what a build
// evaluates package markers in (with Marker.EvaluateWithExtras(env, s.Extras...)).
func (s *Selection) Env(env pep.Environment) pep.Environment {
	out := make(pep.Environment, len(env)+2)
	for k, v := range env {
		out[k] = v
	}
	out["dependency_groups"] = strings.Join(s.Groups, ",")
	out["extras"] = strings.Join(s.Extras, ",")
	return out
}

// Has reports whether s selects p (the same entry of the same lock:
// name, version, file and line).
func (s *Selection) Has(p Package) bool {
	for _, q := range s.Packages {
		if q.Name == p.Name && q.Version == p.Version && q.File == p.File && q.Line == p.Line {
			return true
		}
	}
	return false
}

// checkWant refuses groups and extras the lock does not have.
func checkWant(l *Lock, w Want) error {
	groups := append(slices.Clone(l.Groups), l.DefaultGroups...)
	extras := l.Extras
	if l.Format == FormatPDM { // pdm.lock lists extras among its groups
		extras = append(slices.Clone(extras), l.Groups...)
	}
	for i, g := range w.Groups {
		if !containsName(groups, g) {
			return &UnknownGroupError{Kind: "group", Name: g, Index: i, Have: groups, Lock: l.Path}
		}
	}
	for i, x := range w.Extras {
		if !containsName(extras, x) {
			return &UnknownGroupError{Kind: "extra", Name: x, Index: i, Have: extras, Lock: l.Path}
		}
	}
	return nil
}

func containsName(list []string, name string) bool {
	name = pep.NormalizeName(name)
	for _, x := range list {
		if pep.NormalizeName(x) == name {
			return true
		}
	}
	return false
}

// ProductionRule says in words which packages l installs in production
// when pinwheel.yaml asks for no groups or extras.
func ProductionRule(l *Lock) string {
	switch l.Format {
	case FormatUV:
		if len(l.ToolDefaultGroups) > 0 {
			return "main dependencies (uv sync --no-default-groups; uv's default groups " + strings.Join(l.ToolDefaultGroups, ", ") + " only when named)"
		}
		return "main dependencies (uv sync --no-default-groups)"
	case FormatPoetry:
		return "main group (poetry install --only main)"
	case FormatPDM:
		return "default group (pdm install --prod)"
	case FormatPipfile:
		return "default section (pipenv install --deploy)"
	case FormatPylock:
		if len(l.DefaultGroups) > 0 {
			return "packages whose marker holds with dependency_groups = default-groups (" + strings.Join(l.DefaultGroups, ", ") + ")"
		}
		return "packages whose marker holds with no dependency groups or extras (PEP 751)"
	}
	return "every package in the file"
}
