package check

import (
	"context"
	"regexp"
	"strings"
)

var exactPythonVersion = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

// checkPythonVersion reports PW201 (requires-python missing or open-ended)
// and PW202 (.python-version missing or not exact). PW203, the base image
// tag, is judged with the Dockerfile's FROM lines.
func checkPythonVersion(_ context.Context, p *project, r *Report) error {
	m, err := loadManifest(p)
	if err != nil {
		return err
	}
	if m != nil {
		switch {
		case m.RequiresPython == "" && m.HasProject && m.File == "pyproject.toml":
			r.add("PW201", m.File, 0, "%s declares no requires-python: any interpreter may be used", m.File)
		case m.RequiresPython != "":
			lower, upper, err := pythonBounds(m.RequiresPython)
			switch {
			case err != nil:
				r.add("PW201", m.File, m.RequiresPythonLine, "requires-python %q is not a PEP 440 specifier: %v", m.RequiresPython, err)
			case !lower && !upper:
				r.add("PW201", m.File, m.RequiresPythonLine, "requires-python %q has neither a lower nor an upper bound", m.RequiresPython)
			case !upper:
				r.add("PW201", m.File, m.RequiresPythonLine, "requires-python %q has no upper bound: a new Python release changes what is installed", m.RequiresPython)
			case !lower:
				r.add("PW201", m.File, m.RequiresPythonLine, "requires-python %q has no lower bound", m.RequiresPython)
			}
		}
	}
	data, ok, err := p.read(".python-version")
	if err != nil {
		return err
	}
	if !ok {
		if m != nil {
			r.add("PW202", ".python-version", 0, "no .python-version: local and CI interpreters may differ from the image's")
		}
		return nil
	}
	for i, line := range strings.Split(string(data), "\n") {
		v := strings.TrimSpace(line)
		if v == "" || strings.HasPrefix(v, "#") {
			continue
		}
		if !exactPythonVersion.MatchString(strings.TrimPrefix(v, "python-")) {
			f := r.add("PW202", ".python-version", i+1, ".python-version names %q, not an exact X.Y.Z version", v)
			f.Column = 1
		}
		break
	}
	return nil
}
