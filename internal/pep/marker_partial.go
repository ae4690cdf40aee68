package pep

// EvaluateKnown evaluates m with only some variables known: comparisons
// that read a variable missing from known are undecided, and "and"/"or"
// combine three-valued (false and undecided is false, true or undecided is
// true). decided is false when the result depends on an unknown variable.
// It answers "can this marker hold, whatever the rest of the environment?"
// without a target: a PEP 751 package marker under a set of dependency
// groups, an edge marker under one extra. "extra", "extras" and
// "dependency_groups" are unknown unless known sets them.
func (m Marker) EvaluateKnown(known Environment) (value, decided bool, err error) {
	if m.root == nil {
		return true, true, nil
	}
	return evalKnown(m.root, known)
}

func evalKnown(n markerNode, known Environment) (value, decided bool, err error) {
	switch n := n.(type) {
	case *markerCompare:
		for _, v := range []markerValue{n.lhs, n.rhs} {
			if _, ok := known[v.variable]; v.variable != "" && !ok {
				return false, false, nil
			}
		}
		ok, err := n.eval(known)
		return ok, true, err
	case *markerBool:
		and := n.op == "and"
		undecided := false
		for _, t := range n.terms {
			v, d, err := evalKnown(t, known)
			if err != nil {
				return false, false, err
			}
			switch {
			case !d:
				undecided = true
			case and && !v:
				return false, true, nil
			case !and && v:
				return true, true, nil
			}
		}
		if undecided {
			return false, false, nil
		}
		return and, true, nil
	}
	return false, false, nil
}
