package lock

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// localProjectName reads the project name of a local source tree the way
// pip finds it before building: [project].name or [tool.poetry].name in
// pyproject.toml (read by the manifest reader), else [metadata] name in
// setup.cfg, else — for a setup.py-only tree, whose name only running
// setup.py would tell — the directory's name. "" when dir does not exist.
func localProjectName(dir string) string {
	if m, err := loadManifestFile(filepath.Join(dir, "pyproject.toml")); err == nil && m.Name != "" {
		return m.Name
	}
	data, err := readInput(dir, filepath.Join(dir, "setup.cfg"))
	if err != nil {
		return setupPyName(dir)
	}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && section == "metadata" && strings.TrimSpace(k) == "name" {
			return strings.TrimSpace(v)
		}
	}
	return setupPyName(dir)
}

// setupPyName names a tree that has a setup.py after its directory.
func setupPyName(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "setup.py")); err != nil {
		return ""
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	return filepath.Base(abs)
}
