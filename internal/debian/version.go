package debian

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a parsed Debian package version, [epoch:]upstream[-revision]
// (Debian Policy §5.6.12).
type Version struct {
	Epoch    int
	Upstream string
	Revision string
}

// ParseVersion parses s. The upstream part must start with a digit and hold
// only alphanumerics and . + ~ - : ; the revision only alphanumerics and + . ~.
func ParseVersion(s string) (Version, error) {
	var v Version
	rest := s
	if s == "" {
		return v, fmt.Errorf("empty version")
	}
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		e, err := strconv.Atoi(rest[:i])
		if err != nil || e < 0 {
			return v, fmt.Errorf("version %q: epoch %q is not a non-negative integer", s, rest[:i])
		}
		v.Epoch, rest = e, rest[i+1:]
	}
	if i := strings.LastIndexByte(rest, '-'); i >= 0 {
		v.Revision, rest = rest[i+1:], rest[:i]
		if v.Revision == "" || !validChars(v.Revision, "+.~") {
			return v, fmt.Errorf("version %q: invalid revision %q", s, v.Revision)
		}
	}
	v.Upstream = rest
	if rest == "" || rest[0] < '0' || rest[0] > '9' {
		return v, fmt.Errorf("version %q: upstream version must start with a digit", s)
	}
	if !validChars(rest, ".+~-:") {
		return v, fmt.Errorf("version %q: invalid character in upstream version %q", s, rest)
	}
	return v, nil
}

func validChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && strings.IndexByte(extra, c) < 0 {
			return false
		}
	}
	return true
}

func (v Version) String() string {
	s := v.Upstream
	if v.Epoch != 0 || strings.Contains(s, ":") { // "0:1:2" must keep its epoch to re-parse
		s = strconv.Itoa(v.Epoch) + ":" + s
	}
	if v.Revision != "" {
		s += "-" + v.Revision
	}
	return s
}

// Compare orders a and b as dpkg does: -1, 0 or +1.
func Compare(a, b Version) int {
	switch {
	case a.Epoch < b.Epoch:
		return -1
	case a.Epoch > b.Epoch:
		return 1
	}
	if c := compareFragment(a.Upstream, b.Upstream); c != 0 {
		return c
	}
	return compareFragment(a.Revision, b.Revision)
}

// CompareStrings parses and compares two version strings; unparsable
// versions sort before parsable ones and among themselves by string.
func CompareStrings(a, b string) int {
	va, ea := ParseVersion(a)
	vb, eb := ParseVersion(b)
	switch {
	case ea != nil && eb != nil:
		return strings.Compare(a, b)
	case ea != nil:
		return -1
	case eb != nil:
		return 1
	}
	return Compare(va, vb)
}

// compareFragment is dpkg's verrevcmp: alternate non-digit and digit runs;
// non-digits compare by order() (letters first, then other characters, '~'
// before everything including the end), digit runs numerically.
func compareFragment(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		for (i < len(a) && !isDigit(a[i])) || (j < len(b) && !isDigit(b[j])) {
			ac, bc := order(a, i), order(b, j)
			if ac != bc {
				return sign(ac - bc)
			}
			i, j = i+1, j+1
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		firstDiff := 0
		for i < len(a) && j < len(b) && isDigit(a[i]) && isDigit(b[j]) {
			if firstDiff == 0 {
				firstDiff = int(a[i]) - int(b[j])
			}
			i, j = i+1, j+1
		}
		if i < len(a) && isDigit(a[i]) {
			return 1
		}
		if j < len(b) && isDigit(b[j]) {
			return -1
		}
		if firstDiff != 0 {
			return sign(firstDiff)
		}
	}
	return 0
}

func order(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	c := s[i]
	switch {
	case isDigit(c):
		return 0
	case isAlpha(c):
		return int(c)
	case c == '~':
		return -1
	}
	return int(c) + 256
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
