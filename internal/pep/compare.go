package pep

import "strings"

// Compare orders a and b by PEP 440: it returns -1 when a < b, 0 when they
// are equal and +1 when a > b. Trailing zeros in the release do not matter
// ("1.0" == "1.0.0"); dev releases sort before pre-releases of the same
// release, which sort before the final release, which sorts before its
// post-releases; a local label sorts after the same public version.
func Compare(a, b Version) int {
	if c := cmpInt(a.epoch, b.epoch); c != 0 {
		return c
	}
	if c := compareRelease(a.release, b.release); c != 0 {
		return c
	}
	if c := cmpInt(a.preRank(), b.preRank()); c != 0 {
		return c
	}
	if a.preKind != "" && b.preKind != "" {
		if c := cmpInt(a.pre, b.pre); c != 0 {
			return c
		}
	}
	if c := cmpOptional(a.hasPost, a.post, b.hasPost, b.post, -1); c != 0 {
		return c
	}
	if c := cmpOptional(a.hasDev, a.dev, b.hasDev, b.dev, +1); c != 0 {
		return c
	}
	return compareLocal(a.local, b.local)
}

// preRank places the pre-release phase: a dev release of a final version
// (no pre, no post) sorts before every pre-release; a version with no pre
// segment otherwise sorts after all pre-releases.
func (v Version) preRank() int {
	switch v.preKind {
	case "a":
		return 1
	case "b":
		return 2
	case "rc":
		return 3
	}
	if v.hasDev && !v.hasPost {
		return 0
	}
	return 4
}

// cmpOptional compares optional numbers; absent sorts below every number
// when absentSign is -1 (post) and above when it is +1 (dev).
func cmpOptional(hasA bool, a int, hasB bool, b int, absentSign int) int {
	switch {
	case hasA && hasB:
		return cmpInt(a, b)
	case hasA:
		return -absentSign
	case hasB:
		return absentSign
	}
	return 0
}

func compareRelease(a, b []int) int {
	n := max(len(a), len(b))
	for i := 0; i < n; i++ {
		x, y := 0, 0
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if c := cmpInt(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// compareLocal orders local labels segment by segment: numeric segments
// compare numerically and sort above alphanumeric ones, which compare as
// strings; a label that is a prefix of another sorts first; no label sorts
// before any label.
func compareLocal(a, b []localPart) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		switch {
		case x.isNum && y.isNum:
			if c := cmpInt(x.num, y.num); c != 0 {
				return c
			}
		case x.isNum:
			return 1
		case y.isNum:
			return -1
		default:
			if c := strings.Compare(x.str, y.str); c != 0 {
				return c
			}
		}
	}
	return cmpInt(len(a), len(b))
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
