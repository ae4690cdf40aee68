package pep

import "strings"

// matches applies the clause's comparison to v, ignoring the pre-release
// policy (which belongs to the set).
func (s Specifier) matches(v Version) bool {
	switch s.op {
	case "==":
		return s.equal(v)
	case "!=":
		return !s.equal(v)
	case "<=":
		return Compare(v.Public(), s.version) <= 0
	case ">=":
		return Compare(v.Public(), s.version) >= 0
	case "<":
		return s.less(v)
	case ">":
		return s.greater(v)
	case "~=":
		return s.compatible(v)
	case "===":
		return strings.EqualFold(v.String(), s.raw)
	}
	return false
}

// equal is "==": a wildcard matches on the release prefix (the candidate's
// release padded with zeros); otherwise versions compare equal, and a
// specifier without a local label ignores the candidate's.
func (s Specifier) equal(v Version) bool {
	if s.wildcard {
		return v.epoch == s.version.epoch && releasePrefixMatches(v.release, s.version.release)
	}
	if len(s.version.local) == 0 {
		v = v.Public()
	}
	return Compare(v, s.version) == 0
}

func releasePrefixMatches(release, prefix []int) bool {
	for i, want := range prefix {
		got := 0
		if i < len(release) {
			got = release[i]
		}
		if got != want {
			return false
		}
	}
	return true
}

// less is the exclusive "<": it does not admit a pre-release of the
// specified version unless the specified version is itself a pre-release.
func (s Specifier) less(v Version) bool {
	if Compare(v, s.version) >= 0 {
		return false
	}
	if !s.version.IsPrerelease() && v.IsPrerelease() && Compare(v.Base(), s.version.Base()) == 0 {
		return false
	}
	return true
}

// greater is the exclusive ">": it does not admit a post-release of the
// specified version unless the specified version is itself a post-release,
// and never admits a local version of the specified version.
func (s Specifier) greater(v Version) bool {
	if Compare(v, s.version) <= 0 {
		return false
	}
	sameBase := Compare(v.Base(), s.version.Base()) == 0
	if !s.version.IsPostrelease() && v.IsPostrelease() && sameBase {
		return false
	}
	if len(v.local) > 0 && sameBase {
		return false
	}
	return true
}

// compatible is "~=V.N": ">=V.N" and "==V.*".
func (s Specifier) compatible(v Version) bool {
	if Compare(v.Public(), s.version) < 0 {
		return false
	}
	prefix := s.version.release[:len(s.version.release)-1]
	return v.epoch == s.version.epoch && releasePrefixMatches(v.release, prefix)
}
