package pep

import (
	"fmt"
	"strings"
)

// Evaluate reports whether the marker holds in env. Comparisons follow PEP
// 508: when the right-hand value with the operator forms a valid version
// specifier and the left-hand value is a valid version, PEP 440 rules apply
// (pre-releases allowed); otherwise ==, !=, <, <=, >, >= compare strings,
// "in"/"not in" test substrings, "===" compares case-insensitively, and "~="
// is an error. Values of "extra" are compared in normalised (PEP 503) form;
// "extras" and "dependency_groups" are comma-separated sets. A variable
// missing from env is an error, except "extra", "extras" and
// "dependency_groups", which default to empty.
func (m Marker) Evaluate(env Environment) (bool, error) {
	if m.root == nil {
		return true, nil
	}
	return evalNode(m.root, env)
}

// EvaluateWithExtras evaluates m once per requested extra (or once with no
// extra when extras is empty) and reports whether any evaluation holds: the
// way an installer decides whether a dependency applies when a package is
// installed with those extras.
func (m Marker) EvaluateWithExtras(env Environment, extras ...string) (bool, error) {
	e := make(Environment, len(env)+2)
	for k, v := range env {
		e[k] = v
	}
	e["extras"] = strings.Join(extras, ",")
	if len(extras) == 0 {
		extras = []string{""}
	}
	for _, x := range extras {
		e["extra"] = x
		ok, err := m.Evaluate(e)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// evalNode evaluates every term (no short-circuit), so an error anywhere in
// the marker is reported whatever the environment.
func evalNode(n markerNode, env Environment) (bool, error) {
	switch n := n.(type) {
	case *markerCompare:
		return n.eval(env)
	case *markerBool:
		result := n.op == "and"
		for _, t := range n.terms {
			ok, err := evalNode(t, env)
			if err != nil {
				return false, err
			}
			if n.op == "and" {
				result = result && ok
			} else {
				result = result || ok
			}
		}
		return result, nil
	}
	return false, fmt.Errorf("marker: unknown node %T", n)
}

func (c *markerCompare) eval(env Environment) (bool, error) {
	lhs, err := c.lhs.resolve(env, c.col)
	if err != nil {
		return false, err
	}
	rhs, err := c.rhs.resolve(env, c.col)
	if err != nil {
		return false, err
	}
	if isSetVariable(c.lhs.variable) || isSetVariable(c.rhs.variable) {
		return c.evalSet(lhs, rhs)
	}
	if c.lhs.variable == "extra" || c.rhs.variable == "extra" {
		lhs, rhs = NormalizeName(lhs), NormalizeName(rhs)
	}
	if spec := c.specifier(rhs); spec != nil && mayBeVersion(lhs) {
		if v, err := ParseVersion(lhs); err == nil {
			return spec.Contains(v, true), nil
		}
	}
	switch c.op {
	case "==":
		return lhs == rhs, nil
	case "!=":
		return lhs != rhs, nil
	case "<":
		return lhs < rhs, nil
	case "<=":
		return lhs <= rhs, nil
	case ">":
		return lhs > rhs, nil
	case ">=":
		return lhs >= rhs, nil
	case "===":
		return strings.EqualFold(lhs, rhs), nil
	case "in":
		return strings.Contains(rhs, lhs), nil
	case "not in":
		return !strings.Contains(rhs, lhs), nil
	}
	return false, fmt.Errorf("marker: col %d: %q %s %q: %s needs two versions", c.col, lhs, c.op, rhs, c.op)
}

// specifier returns op+rhs as a version specifier, or nil when it is not
// one (or the operator is "in"/"not in").
func (c *markerCompare) specifier(rhs string) *Specifier {
	if c.literalSpec {
		return c.spec
	}
	if c.op == "in" || c.op == "not in" {
		return nil
	}
	if sp, err := ParseSpecifier(c.op + rhs); err == nil {
		return &sp
	}
	return nil
}

// evalSet handles "extras" and "dependency_groups", whose values are sets:
// only membership tests make sense.
func (c *markerCompare) evalSet(lhs, rhs string) (bool, error) {
	if c.op != "in" && c.op != "not in" || isSetVariable(c.lhs.variable) || !isSetVariable(c.rhs.variable) {
		set := c.rhs.variable
		if isSetVariable(c.lhs.variable) {
			set = c.lhs.variable
		}
		return false, fmt.Errorf("marker: col %d: %s is a set; use it as `\"name\" in %s` or `\"name\" not in %s`", c.col, set, set, set)
	}
	member := false
	for _, item := range strings.Split(rhs, ",") {
		if item = strings.TrimSpace(item); item != "" && NormalizeName(item) == NormalizeName(lhs) {
			member = true
			break
		}
	}
	return member == (c.op == "in"), nil
}

// mayBeVersion is a cheap pre-check that skips ParseVersion (and its error)
// for values such as "linux" that cannot be versions.
func mayBeVersion(s string) bool {
	s = strings.TrimLeft(s, " \t\r\n\f\v")
	return s != "" && (isDigit(s[0]) || s[0] == 'v' || s[0] == 'V')
}

func isSetVariable(name string) bool { return name == "extras" || name == "dependency_groups" }

func (v markerValue) resolve(env Environment, col int) (string, error) {
	if v.variable == "" {
		return v.literal, nil
	}
	if val, ok := env[v.variable]; ok {
		return val, nil
	}
	switch v.variable {
	case "extra", "extras", "dependency_groups":
		return "", nil
	}
	return "", fmt.Errorf("marker: col %d: the environment has no value for %s", col, v.variable)
}
