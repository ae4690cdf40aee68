package lock

import (
	"strconv"
	"strings"
)

// poetryToPEP440 translates a Poetry version constraint into a PEP 440
// specifier: "^3.11" → ">=3.11,<4.0", "~3.11" → ">=3.11,<3.12", "3.11.*"
// → "==3.11.*", "*" → "", and comma-separated clauses one by one. ok is
// false for what PEP 440 cannot say (alternatives with "||"); the caller
// keeps the constraint as written.
func poetryToPEP440(c string) (spec string, ok bool) {
	c = strings.TrimSpace(c)
	if strings.Contains(c, "||") {
		return c, false
	}
	var out []string
	for _, clause := range strings.Split(c, ",") {
		clause = strings.TrimSpace(clause)
		switch {
		case clause == "" || clause == "*":
		case strings.HasPrefix(clause, "^"):
			s, ok := poetryCaret(strings.TrimSpace(clause[1:]))
			if !ok {
				return c, false
			}
			out = append(out, s)
		case strings.HasPrefix(clause, "~") && !strings.HasPrefix(clause, "~="):
			s, ok := poetryTilde(strings.TrimSpace(clause[1:]))
			if !ok {
				return c, false
			}
			out = append(out, s)
		case clause[0] >= '0' && clause[0] <= '9':
			out = append(out, "=="+clause)
		default:
			out = append(out, strings.Join(strings.Fields(clause), ""))
		}
	}
	return strings.Join(out, ","), true
}

// poetrySpecifier is a poetry constraint as a PEP 440 specifier when it can
// be said in PEP 440, else as written (with pipfileSpecifier's "*" → "").
func poetrySpecifier(c string) string {
	if spec, ok := poetryToPEP440(c); ok {
		return spec
	}
	return pipfileSpecifier(c)
}

// releaseParts reads "1.2.3" into its numbers.
func releaseParts(v string) ([]int, bool) {
	var parts []int
	for _, f := range strings.Split(v, ".") {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, false
		}
		parts = append(parts, n)
	}
	return parts, len(parts) > 0 && len(parts) <= 3
}

// poetryCaret: bump the first non-zero segment (or the last given one).
func poetryCaret(v string) (string, bool) {
	parts, ok := releaseParts(v)
	if !ok {
		return "", false
	}
	i := 0
	for i < len(parts)-1 && parts[i] == 0 {
		i++
	}
	return ">=" + v + ",<" + bumped(parts, i), true
}

// poetryTilde: bump the minor segment, or the major when only it is given.
func poetryTilde(v string) (string, bool) {
	parts, ok := releaseParts(v)
	if !ok {
		return "", false
	}
	i := 1
	if len(parts) == 1 {
		i = 0
	}
	return ">=" + v + ",<" + bumped(parts, i), true
}

// bumped is parts[:i+1] with parts[i] incremented, padded to two segments.
func bumped(parts []int, i int) string {
	out := append([]int(nil), parts[:i+1]...)
	out[i]++
	for len(out) < 2 {
		out = append(out, 0)
	}
	s := make([]string, len(out))
	for j, n := range out {
		s[j] = strconv.Itoa(n)
	}
	return strings.Join(s, ".")
}

// PoetryConstraint is poetryToPEP440 for callers outside the package
// (pinwheel init reads [tool.poetry.dependencies] python with it).
func PoetryConstraint(c string) (spec string, ok bool) { return poetryToPEP440(c) }
