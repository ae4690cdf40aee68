package lock

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
)

// localProjectName reads the project name of a local source tree the way
// pip finds it before building: [project].name or [tool.poetry].name in
// pyproject.toml, else [metadata] name in setup.cfg. "" when neither says.
func localProjectName(dir string) string {
	if data, err := os.ReadFile(filepath.Join(dir, "pyproject.toml")); err == nil {
		var doc struct {
			Project struct {
				Name string `toml:"name"`
			} `toml:"project"`
			Tool struct {
				Poetry struct {
					Name string `toml:"name"`
				} `toml:"poetry"`
			} `toml:"tool"`
		}
		if toml.Unmarshal(data, &doc) == nil {
			if doc.Project.Name != "" {
				return doc.Project.Name
			}
			if doc.Tool.Poetry.Name != "" {
				return doc.Tool.Poetry.Name
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "setup.cfg"))
	if err != nil {
		return ""
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
	return ""
}
