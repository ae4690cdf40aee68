package lock

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// detectOrder is the preference when a directory holds several lockfiles:
// the standard format first, then tool-native locks, then requirements.
var detectOrder = []string{"pylock.toml", "uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock"}

// requirementsNames are the requirements files Detect recognises, in order.
var requirementsNames = []string{"requirements.lock", "requirements.txt", "requirements/prod.txt", "requirements/base.txt"}

// Detect finds the lockfile for the project at path. A file path is returned
// as is; a directory is searched for pylock.toml, uv.lock, poetry.lock,
// pdm.lock, Pipfile.lock, pylock.*.toml, a PEP 723 script's lock
// (SCRIPT.py.lock beside SCRIPT.py), then requirements files (only those
// pinned with hashes or "==" count; the parser judges). It returns an error
// wrapping ErrNoLockfile when none is found.
func Detect(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return path, nil
	}
	for _, name := range detectOrder {
		if p := filepath.Join(path, name); isFile(p) {
			return p, nil
		}
	}
	named, _ := filepath.Glob(filepath.Join(path, "pylock.*.toml"))
	sort.Strings(named)
	if len(named) > 0 {
		return named[0], nil
	}
	if p, ok := detectScriptLock(path); ok {
		return p, nil
	}
	for _, name := range requirementsNames {
		if p := filepath.Join(path, name); isFile(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w (looked for %s, pylock.*.toml, SCRIPT.py.lock, %s)", path, ErrNoLockfile,
		strings.Join(detectOrder, ", "), strings.Join(requirementsNames, ", "))
}

func isFile(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular()
}
