package check

import (
	"errors"
	"regexp"
	"sort"
	"strings"

	toml "github.com/pelletier/go-toml/v2"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
)

// manifest is what a project declares: its direct requirements and its
// Python constraint, with the lines they are written on. (internal/lock has
// no manifest loader yet; this reads only what the rules need.)
type manifest struct {
	File               string // relative slash path: pyproject.toml or Pipfile
	RequiresPython     string // PEP 440 specifier, "" when not declared
	RequiresPythonLine int
	Declared           []lock.Requirement
}

type pyprojectDoc struct {
	Project struct {
		RequiresPython       string              `toml:"requires-python"`
		Dependencies         []string            `toml:"dependencies"`
		OptionalDependencies map[string][]string `toml:"optional-dependencies"`
	} `toml:"project"`
	Tool struct {
		Poetry struct {
			Dependencies map[string]any `toml:"dependencies"`
		} `toml:"poetry"`
	} `toml:"tool"`
}

type pipfileDoc struct {
	Packages    map[string]any `toml:"packages"`
	DevPackages map[string]any `toml:"dev-packages"`
	Requires    struct {
		PythonVersion     string `toml:"python_version"`
		PythonFullVersion string `toml:"python_full_version"`
	} `toml:"requires"`
}

// loadManifest reads pyproject.toml, else Pipfile; nil when neither exists.
func loadManifest(p *project) (*manifest, error) {
	if data, ok, err := p.read("pyproject.toml"); err != nil {
		return nil, err
	} else if ok {
		return parsePyproject("pyproject.toml", data)
	}
	if data, ok, err := p.read("Pipfile"); err != nil {
		return nil, err
	} else if ok {
		return parsePipfile("Pipfile", data)
	}
	return nil, nil
}

func tomlError(file string, err error) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		return inputerr.At(file, row, col, "invalid TOML: %s", de.Error())
	}
	return &inputerr.Error{Path: file, Msg: "invalid TOML", Err: err}
}

func parsePyproject(file string, data []byte) (*manifest, error) {
	var doc pyprojectDoc
	if err := toml.Unmarshal(data, &doc); err != nil {
		return nil, tomlError(file, err)
	}
	lines := strings.Split(string(data), "\n")
	m := &manifest{File: file, RequiresPython: strings.TrimSpace(doc.Project.RequiresPython)}
	if m.RequiresPython != "" {
		m.RequiresPythonLine = findKeyLine(lines, "requires-python")
	}
	for _, d := range doc.Project.Dependencies {
		m.addPEP508(file, lines, d, "main")
	}
	groups := make([]string, 0, len(doc.Project.OptionalDependencies))
	for g := range doc.Project.OptionalDependencies {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		for _, d := range doc.Project.OptionalDependencies[g] {
			m.addPEP508(file, lines, d, g)
		}
	}
	if deps := doc.Tool.Poetry.Dependencies; len(deps) > 0 {
		if py, ok := deps["python"].(string); ok && m.RequiresPython == "" {
			m.RequiresPython = py
			m.RequiresPythonLine = findKeyLine(lines, "python")
		}
		m.addTable(file, lines, deps, "main")
	}
	return m, nil
}

func parsePipfile(file string, data []byte) (*manifest, error) {
	var doc pipfileDoc
	if err := toml.Unmarshal(data, &doc); err != nil {
		return nil, tomlError(file, err)
	}
	lines := strings.Split(string(data), "\n")
	m := &manifest{File: file}
	switch {
	case doc.Requires.PythonFullVersion != "":
		m.RequiresPython = "==" + doc.Requires.PythonFullVersion
		m.RequiresPythonLine = findKeyLine(lines, "python_full_version")
	case doc.Requires.PythonVersion != "":
		m.RequiresPython = "==" + doc.Requires.PythonVersion + ".*"
		m.RequiresPythonLine = findKeyLine(lines, "python_version")
	}
	m.addTable(file, lines, doc.Packages, "main")
	m.addTable(file, lines, doc.DevPackages, "dev")
	return m, nil
}

var pep508Name = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)`)

func (m *manifest) addPEP508(file string, lines []string, req, group string) {
	match := pep508Name.FindStringSubmatch(req)
	if match == nil {
		return
	}
	m.Declared = append(m.Declared, lock.Requirement{
		Name:      pep.NormalizeName(match[1]),
		Specifier: strings.TrimSpace(req[len(match[0]):]),
		Group:     group,
		File:      file,
		Line:      findQuotedLine(lines, req),
	})
}

func (m *manifest) addTable(file string, lines []string, deps map[string]any, group string) {
	names := make([]string, 0, len(deps))
	for n := range deps {
		if n != "python" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		spec, _ := deps[n].(string)
		m.Declared = append(m.Declared, lock.Requirement{
			Name: pep.NormalizeName(n), Specifier: spec, Group: group,
			File: file, Line: findKeyLine(lines, n),
		})
	}
}

// findKeyLine returns the first line (1-based) that assigns key, or 0.
func findKeyLine(lines []string, key string) int {
	for i, l := range lines {
		t := strings.TrimSpace(l)
		for _, k := range []string{key, `"` + key + `"`} {
			if rest, ok := strings.CutPrefix(t, k); ok && strings.HasPrefix(strings.TrimSpace(rest), "=") {
				return i + 1
			}
		}
	}
	return 0
}

// findQuotedLine returns the first line holding s as a quoted string, or 0.
func findQuotedLine(lines []string, s string) int {
	for i, l := range lines {
		if strings.Contains(l, `"`+s+`"`) || strings.Contains(l, `'`+s+`'`) {
			return i + 1
		}
	}
	return 0
}
