package check

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// pythonBounds reports whether a requires-python specifier has a lower and
// an upper bound.
func pythonBounds(spec string) (lower, upper bool, err error) {
	if strings.HasPrefix(spec, "^") || strings.HasPrefix(spec, "~") && !strings.HasPrefix(spec, "~=") {
		return true, true, nil // poetry's caret and tilde ranges are bounded both ways
	}
	set, err := pep.ParseSpecifierSet(spec)
	if err != nil {
		return false, false, err
	}
	for _, s := range set.Specifiers() {
		switch s.Operator() {
		case ">=", ">":
			lower = true
		case "<", "<=":
			upper = true
		case "==", "~=", "===":
			lower, upper = true, true
		}
	}
	return lower, upper, nil
}
