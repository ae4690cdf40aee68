package lock

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// PEP 723 inline script metadata: a `# /// script` … `# ///` comment block
// holding TOML (requires-python, dependencies, [tool.*]). uv locks such a
// script to SCRIPT.py.lock beside it, in uv.lock's format.

// isScriptLock reports a script lock's file name: SCRIPT.py.lock.
func isScriptLock(base string) bool {
	return strings.HasSuffix(base, ".py.lock") && len(base) > len(".py.lock")
}

// detectScriptLock finds the one SCRIPT.py.lock in dir whose SCRIPT.py is
// there too; several are ambiguous and left to the user to name.
func detectScriptLock(dir string) (string, bool) {
	locks, _ := filepath.Glob(filepath.Join(dir, "*.py.lock"))
	var found []string
	for _, l := range locks {
		if isFile(strings.TrimSuffix(l, ".lock")) {
			found = append(found, l)
		}
	}
	sort.Strings(found)
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// scriptBlock is PEP 723's reference regular expression.
var scriptBlock = regexp.MustCompile(`(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$`)

func loadScriptManifest(path string) (*Manifest, error) {
	data, err := readInput(filepath.Dir(path), path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		return nil, &inputerr.Error{Path: path, Msg: "cannot read script", Err: err}
	}
	return parseScriptMetadata(path, data)
}

// parseScriptMetadata reads the script block of a PEP 723 script:
// dependencies (group main) and requires-python, each at its line in the
// script. A script with no block declares nothing; two script blocks are
// an error, as the PEP says.
func parseScriptMetadata(path string, data []byte) (*Manifest, error) {
	var blocks [][]int
	for _, m := range scriptBlock.FindAllSubmatchIndex(data, -1) {
		if string(data[m[2]:m[3]]) == "script" {
			blocks = append(blocks, m)
		}
	}
	switch len(blocks) {
	case 0:
		return &Manifest{Path: path}, nil
	case 1:
	default:
		line := 1 + strings.Count(string(data[:blocks[1][0]]), "\n")
		return nil, inputerr.At(path, line, 1, "a second `# /// script` block (PEP 723 allows one)")
	}
	b := blocks[0]
	first := 2 + strings.Count(string(data[:b[0]]), "\n") // the line after "# /// script"
	var toml strings.Builder
	for _, line := range strings.SplitAfter(string(data[b[4]:b[5]]), "\n") {
		line = strings.TrimPrefix(line, "#")
		toml.WriteString(strings.TrimPrefix(line, " "))
	}
	r, err := newManifestReader(path, []byte(toml.String()))
	if err != nil {
		return nil, shiftLines(err, first-1)
	}
	root := r.root()
	r.requiresPython(root, "requires-python")
	r.pep508List(root, "dependencies", "main")
	if r.err != nil {
		return nil, shiftLines(r.err, first-1)
	}
	m := r.m
	if m.RequiresPythonLine > 0 {
		m.RequiresPythonLine += first - 1
	}
	for i := range m.Requirements {
		if m.Requirements[i].Line > 0 {
			m.Requirements[i].Line += first - 1
		}
	}
	return m, nil
}

// shiftLines moves an input error in the block's TOML to its line in the
// script.
func shiftLines(err error, by int) error {
	var ie *inputerr.Error
	if errors.As(err, &ie) && ie.Line > 0 {
		ie.Line += by
	}
	return err
}

// ScriptManifest is the inline metadata of the script a script lock
// (SCRIPT.py.lock) locks; an error wrapping ErrNoManifest when lockPath is
// not a script lock or the script is not there.
func ScriptManifest(lockPath string) (*Manifest, error) {
	if !isScriptLock(filepath.Base(lockPath)) {
		return nil, ErrNoManifest
	}
	m, err := loadScriptManifest(strings.TrimSuffix(lockPath, ".lock"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoManifest
	}
	return m, err
}
