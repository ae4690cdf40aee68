package lock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/pep"
)

// ErrNoManifest is returned by LoadManifest when a directory holds neither
// pyproject.toml nor Pipfile.
var ErrNoManifest = errors.New("no pyproject.toml or Pipfile found")

// Manifest is what a project declares about its dependencies, read from
// pyproject.toml ([project], [dependency-groups], [tool.poetry], [tool.uv],
// [tool.pdm]) or a Pipfile.
type Manifest struct {
	Path string `json:"path"`
	Name string `json:"name,omitempty"` // the project's own name, when declared
	// RequiresPython is the declared Python constraint as a PEP 440
	// specifier (a Pipfile's python_version "3.11" becomes "==3.11.*";
	// poetry's "^3.11" becomes ">=3.11,<4.0", and is kept as written only when
	// PEP 440 cannot say it, as with "||"), and RequiresPythonLine where it is
	// declared.
	RequiresPython     string        `json:"requiresPython,omitempty"`
	RequiresPythonLine int           `json:"requiresPythonLine,omitempty"`
	Requirements       []Requirement `json:"requirements"`
	// UVDefaultGroups is [tool.uv] default-groups as written ("all" is
	// kept as the one element "all"); nil when not set (uv then means
	// ["dev"]).
	UVDefaultGroups []string `json:"uvDefaultGroups,omitempty"`
}

// LoadManifest reads the manifest in dir: pyproject.toml, else Pipfile. It
// returns an error wrapping ErrNoManifest when there is neither, and an
// *inputerr.Error at file:line:col when the manifest is malformed.
func LoadManifest(dir string) (*Manifest, error) {
	for _, name := range []string{"pyproject.toml", "Pipfile"} {
		if m, err := loadManifestFile(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			return m, err
		}
	}
	return nil, fmt.Errorf("%s: %w", dir, ErrNoManifest)
}

// manifestFor picks the manifest that goes with a lockfile: Pipfile for
// Pipfile.lock, otherwise pyproject.toml; the other one only as a fallback.
func manifestFor(lockPath string, format Format) (*Manifest, error) {
	dir := filepath.Dir(lockPath)
	if isScriptLock(filepath.Base(lockPath)) {
		return ScriptManifest(lockPath) // the script's inline metadata (PEP 723)
	}
	if format == FormatRequirements {
		// pip-compile's input: requirements.txt is compiled from requirements.in.
		in := strings.TrimSuffix(lockPath, filepath.Ext(lockPath)) + ".in"
		if m, err := loadRequirementsIn(in); !errors.Is(err, os.ErrNotExist) {
			return m, err
		}
	}
	order := []string{"pyproject.toml", "Pipfile"}
	if format == FormatPipfile {
		order = []string{"Pipfile", "pyproject.toml"}
	}
	for _, name := range order {
		if m, err := loadManifestFile(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			return m, err
		}
	}
	return nil, ErrNoManifest
}

func loadManifestFile(path string) (*Manifest, error) {
	data, err := readInput(filepath.Dir(path), path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		return nil, &inputerr.Error{Path: path, Msg: "cannot read manifest", Err: err}
	}
	if filepath.Base(path) == "Pipfile" {
		return parsePipfileManifest(path, data)
	}
	return parsePyproject(path, data)
}

// manifestReader walks a decoded TOML manifest, keeping the first error and
// the position of every key.
type manifestReader struct {
	*tomlReader
	m    *Manifest
	keys map[string]tomlPos
}

func newManifestReader(path string, data []byte) (*manifestReader, error) {
	r, err := newTOMLReader(path, data)
	if err != nil {
		return nil, err
	}
	return &manifestReader{tomlReader: r, m: &Manifest{Path: path}, keys: tomlPositions(data, true)}, nil
}

func (r *manifestReader) lineOf(keyPath string) int {
	for p := keyPath; p != ""; p = parentKeyPath(p) {
		if pos, ok := r.keys[p]; ok && pos.line > 0 {
			return pos.line
		}
		if pos, ok := r.doc.headers[p]; ok {
			return pos.line
		}
	}
	return 0
}

// pep508 records one PEP 508 requirement string at v.
func (r *manifestReader) pep508(v tval, group string) {
	s, ok := v.v.(string)
	if !ok {
		r.wrongType(v, "a PEP 508 requirement string")
		return
	}
	spec, se := parseReqSpec(strings.TrimSpace(s))
	if se != nil || spec.name == "" {
		msg := "expected a PEP 508 requirement such as \"requests>=2.31\""
		if se != nil {
			msg = se.msg
		}
		r.failf(v.path, "%s: %q: %s", v.path, s, msg)
		return
	}
	r.m.Requirements = append(r.m.Requirements, Requirement{
		Name: pep.NormalizeName(spec.name), Specifier: spec.specifier, Extras: spec.extras, Marker: spec.marker,
		URL: spec.url, Group: group, File: r.m.Path, Line: r.lineOf(v.path),
	})
}

// pep508List records an array of requirement strings.
func (r *manifestReader) pep508List(t tval, key, group string) {
	v, ok := r.get(t, key)
	if !ok {
		return
	}
	arr, isArr := v.v.([]any)
	if !isArr {
		r.wrongType(v, "an array of requirement strings")
		return
	}
	for i, e := range arr {
		r.pep508(tval{v: e, path: indexKey(v.path, i)}, group)
	}
}

// keysInFileOrder are the keys of table t in the order the file writes them.
func (r *manifestReader) keysInFileOrder(t tval) []string {
	keys := sortedKeys(t)
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := r.keys[joinKey(t.path, keys[i])], r.keys[joinKey(t.path, keys[j])]
		if a.line != b.line {
			return a.line < b.line
		}
		return a.col < b.col
	})
	return keys
}

func (r *manifestReader) requiresPython(t tval, key string) {
	if s := strings.TrimSpace(r.str(t, key)); s != "" && r.m.RequiresPython == "" {
		r.m.RequiresPython = s
		r.m.RequiresPythonLine = r.lineOf(joinKey(t.path, key))
	}
}

// loadRequirementsIn reads a pip-compile input file (requirements.in, and
// what it includes) as a manifest: every requirement is declared, group main.
func loadRequirementsIn(path string) (*Manifest, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	l, err := parseRequirementsFile(path, parseConfig{}.rootFor(path))
	if err != nil {
		return nil, err
	}
	m := &Manifest{Path: path}
	for _, p := range l.Packages {
		r := Requirement{Name: p.Name, Specifier: p.Specifier, Extras: p.Extras, Marker: p.Marker, Group: "main", File: fileOf(path, p), Line: p.Line}
		if p.Version != "" {
			r.Specifier = "==" + p.Version
		}
		if p.Source.Kind != SourceRegistry {
			r.URL, r.Specifier = p.Source.URL+p.Source.Path, ""
		}
		m.Requirements = append(m.Requirements, r)
	}
	sort.SliceStable(m.Requirements, func(i, j int) bool {
		a, b := m.Requirements[i], m.Requirements[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return m, nil
}
