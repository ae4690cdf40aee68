package projectscan

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// pyproject is the part of pyproject.toml init reads.
type pyproject struct {
	Project struct {
		Name           string            `toml:"name"`
		RequiresPython string            `toml:"requires-python"`
		Scripts        map[string]string `toml:"scripts"`
		Dependencies   []string          `toml:"dependencies"`
	} `toml:"project"`
	Tool struct {
		Poetry struct {
			Name         string         `toml:"name"`
			Scripts      map[string]any `toml:"scripts"`
			Dependencies map[string]any `toml:"dependencies"`
		} `toml:"poetry"`
		PDM struct {
			Scripts map[string]any `toml:"scripts"`
		} `toml:"pdm"`
		UV struct {
			Workspace struct {
				Members []string `toml:"members"`
				Exclude []string `toml:"exclude"`
			} `toml:"workspace"`
		} `toml:"uv"`
	} `toml:"tool"`
	data []byte
}

// parsePyproject decodes data; TOML errors become *inputerr.Error at
// their line and column.
func parsePyproject(file string, data []byte) (*pyproject, error) {
	var p pyproject
	if _, err := toml.Decode(string(data), &p); err != nil {
		return nil, tomlError(file, err)
	}
	p.data = data
	return &p, nil
}

var tomlLineRE = regexp.MustCompile(`^toml: line ([0-9]+)`)

// tomlError is a TOML decoding error as an *inputerr.Error at its line:
// syntax errors carry a position, type mismatches only name the line.
func tomlError(file string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return inputerr.At(file, pe.Position.Line, pe.Position.Col, "invalid TOML: %s", pe.Message)
	}
	line := 0
	if m := tomlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	return &inputerr.Error{Path: file, Line: line, Msg: strings.TrimPrefix(tomlLineRE.ReplaceAllString(err.Error(), ""), " "), Err: nil}
}

var tableRE = regexp.MustCompile(`^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$`)

// keyLine is the 1-based line where key is assigned in [table] ("" for
// the top level) of a TOML file, or 0. It reads lines, not TOML: callers
// take values from the decoder and use this for evidence only.
func keyLine(data []byte, table, key string) int {
	cur := ""
	for i, line := range strings.Split(string(data), "\n") {
		if m := tableRE.FindStringSubmatch(line); m != nil {
			cur = strings.ReplaceAll(strings.ReplaceAll(m[1], `"`, ""), " ", "")
			continue
		}
		if cur != table {
			continue
		}
		t := strings.TrimSpace(line)
		for _, k := range []string{key, `"` + key + `"`, `'` + key + `'`} {
			if rest, ok := strings.CutPrefix(t, k); ok && strings.HasPrefix(strings.TrimSpace(rest), "=") {
				return i + 1
			}
		}
	}
	return 0
}

// dependsOn reports whether the project declares a dependency on name
// (PEP 503-normalised comparison of the leading name).
func (p *pyproject) dependsOn(name string) bool {
	for _, d := range p.Project.Dependencies {
		if reqName(d) == name {
			return true
		}
	}
	for k := range p.Tool.Poetry.Dependencies {
		if normName(k) == name {
			return true
		}
	}
	return false
}

var reqNameRE = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)`)

func reqName(req string) string {
	return normName(reqNameRE.FindString(req))
}

var nameSepRE = regexp.MustCompile(`[-_.]+`)

func normName(s string) string {
	return nameSepRE.ReplaceAllString(strings.ToLower(strings.TrimSpace(s)), "-")
}
