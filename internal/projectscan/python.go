package projectscan

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// knownMinors are the CPython 3.x minors init may choose from a range,
// oldest first; oldestMaintained is the first still getting security
// fixes (3.10 reached its end of life in October 2026).
var (
	knownMinors      = []int{8, 9, 10, 11, 12, 13, 14, 15}
	oldestMaintained = 11
)

var minorRE = regexp.MustCompile(`^3\.([0-9]{1,2})(\.[0-9]+)?$`)

// pinPriority orders exact pins when several agree with every range: what
// builds production today first.
var pinPriority = []string{"Dockerfile FROM", ".python-version", "Pipfile python_full_version", "Pipfile python_version", "runtime.txt"}

// choosePython picks the build's Python from what the sources say, and
// warns where they disagree or where the choice is outside a range.
func choosePython(srcs []PythonSource) (Python, []Warning) {
	var warns []Warning
	var pins, ranges []PythonSource
	for _, s := range srcs {
		if s.Pin != "" {
			pins = append(pins, s)
		} else if s.Spec != "" {
			ranges = append(ranges, s)
		}
	}
	sort.SliceStable(pins, func(i, j int) bool { return rank(pins[i].Kind) < rank(pins[j].Kind) })
	if minors := distinctMinors(pins); len(minors) > 1 {
		warns = append(warns, Warning{Msg: "the project pins different Pythons: " + describe(pins), At: evidenceOf(pins)})
	}
	warns = append(warns, staleRanges(ranges)...)
	py := Python{Sources: srcs}
	switch {
	case len(pins) > 0:
		chosen := pins[0]
		for _, p := range pins {
			if len(outside(p.Pin, ranges)) == 0 {
				chosen = p
				break
			}
		}
		py.Version, py.At = minorOf(chosen.Pin), chosen.At
		py.Why = "pinned by " + chosen.Kind
		if chosen.Kind != pins[0].Kind {
			py.Why += fmt.Sprintf(" (%s %s is outside the declared range)", pins[0].Kind, pins[0].Pin)
		}
	case len(ranges) > 0:
		v, ok := oldestFitting(ranges)
		if !ok {
			v = fmt.Sprintf("3.%d", oldestMaintained)
			warns = append(warns, Warning{Msg: "no Python release fits every declared range: " + describe(ranges), At: evidenceOf(ranges)})
		}
		py.Version, py.At = v, ranges[0].At
		py.Why = "no exact pin; the oldest maintained release the ranges allow"
		warns = append(warns, Warning{Msg: fmt.Sprintf("no file pins the Python version; chose %s from the ranges %s: pin it with .python-version", v, describe(ranges)), At: evidenceOf(ranges)})
	default:
		py.Version = fmt.Sprintf("3.%d", oldestMaintained)
		py.Why = "nothing in the project names a Python version"
		warns = append(warns, Warning{Msg: "nothing in the project names a Python version; chose " + py.Version + ": pin it with .python-version"})
	}
	if m := minorRE.FindStringSubmatch(py.Version); m != nil {
		if n, _ := strconv.Atoi(m[1]); n < oldestMaintained {
			warns = append(warns, Warning{Msg: fmt.Sprintf("Python %s has reached its end of life (no more security fixes); the oldest maintained release is 3.%d", py.Version, oldestMaintained), At: nonEmpty(py.At)})
		}
	}
	version := py.Version
	if len(pins) > 0 && strings.Count(pins[0].Pin, ".") == 2 && minorOf(pins[0].Pin) == version {
		version = pins[0].Pin
	}
	for _, r := range outside(version, ranges) {
		what := "the declared requires-python"
		if r.Lock {
			what = "what " + strings.TrimSuffix(r.Kind, " requires-python") + " was resolved for"
		}
		warns = append(warns, Warning{Msg: fmt.Sprintf("Python %s is outside %s (%s)", py.Version, what, r.Spec), At: []Evidence{py.At, r.At}})
	}
	return py, warns
}

// staleRanges warns when the project's declared range allows other
// Python releases than the one its lock was resolved for: the lock
// predates the declaration. Ranges are compared by the minors they allow
// (">=3.12,<3.13" and "==3.12.*" agree).
func staleRanges(ranges []PythonSource) []Warning {
	var out []Warning
	minors := func(spec string) string {
		var b strings.Builder
		for _, m := range knownMinors {
			ok, known := fits(fmt.Sprintf("3.%d", m), spec)
			if !known {
				return spec
			}
			fmt.Fprintf(&b, "%v,", ok)
		}
		return b.String()
	}
	for _, d := range ranges {
		for _, l := range ranges {
			if d.Lock || !l.Lock || minors(d.Spec) == minors(l.Spec) {
				continue
			}
			out = append(out, Warning{Msg: fmt.Sprintf("%s says %s but %s says %s: the lock was resolved for another range; re-lock", d.Kind, d.Spec, l.Kind, l.Spec), At: []Evidence{d.At, l.At}})
		}
	}
	return out
}

func nonEmpty(e Evidence) []Evidence {
	if e.File == "" {
		return nil
	}
	return []Evidence{e}
}

func rank(kind string) int {
	for i, k := range pinPriority {
		if k == kind {
			return i
		}
	}
	return len(pinPriority)
}

// outside lists the ranges version does not fit.
func outside(version string, ranges []PythonSource) []PythonSource {
	var out []PythonSource
	for _, r := range ranges {
		if ok, known := fits(version, r.Spec); known && !ok {
			out = append(out, r)
		}
	}
	return out
}

// fits reports whether Python version (3.12 or 3.12.4) can satisfy spec,
// a PEP 440 specifier set or alternatives joined by "||". A MAJOR.MINOR
// fits when some patch release of it does. known is false when spec does
// not parse.
func fits(version, spec string) (ok, known bool) {
	var candidates []pep.Version
	if strings.Count(version, ".") == 2 {
		v, err := pep.ParseVersion(version)
		if err != nil {
			return false, false
		}
		candidates = []pep.Version{v}
	} else {
		for patch := 0; patch <= 30; patch++ {
			v, err := pep.ParseVersion(fmt.Sprintf("%s.%d", version, patch))
			if err != nil {
				return false, false
			}
			candidates = append(candidates, v)
		}
	}
	for _, alt := range strings.Split(spec, "||") {
		set, err := pep.ParseSpecifierSet(strings.TrimSpace(alt))
		if err != nil {
			return false, false
		}
		for _, v := range candidates {
			if set.Contains(v, true) {
				return true, true
			}
		}
	}
	return false, true
}

// oldestFitting is the oldest maintained minor every range allows, else
// the oldest known one.
func oldestFitting(ranges []PythonSource) (string, bool) {
	fallback := ""
	for _, m := range knownMinors {
		v := fmt.Sprintf("3.%d", m)
		if len(outside(v, ranges)) > 0 {
			continue
		}
		if m >= oldestMaintained {
			return v, true
		}
		if fallback == "" {
			fallback = v
		}
	}
	return fallback, fallback != ""
}

func minorOf(v string) string {
	m := minorRE.FindStringSubmatch(v)
	if m == nil {
		return v
	}
	return "3." + m[1]
}

// pythonPin normalises an exact version as sources write it ("3.12",
// "3.12.4", "python-3.12.4", "cpython@3.12") to 3.X[.Y], or "".
func pythonPin(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"python-", "python", "cpython-", "cpython@", "cpython"} {
		if r, ok := strings.CutPrefix(strings.ToLower(s), p); ok {
			s = r
			break
		}
	}
	if m := regexp.MustCompile(`^3\.[0-9]{1,2}(\.[0-9]+)?`).FindString(s); m != "" {
		if _, err := strconv.Atoi(strings.Split(m, ".")[1]); err == nil {
			return m
		}
	}
	return ""
}

func distinctMinors(srcs []PythonSource) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range srcs {
		if m := minorOf(s.Pin); !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

func describe(srcs []PythonSource) string {
	parts := make([]string, len(srcs))
	for i, s := range srcs {
		v := s.Pin
		if v == "" {
			v = s.Spec
		}
		parts[i] = s.Kind + " " + v
	}
	return strings.Join(parts, ", ")
}

func evidenceOf(srcs []PythonSource) []Evidence {
	out := make([]Evidence, len(srcs))
	for i, s := range srcs {
		out[i] = s.At
	}
	return out
}
