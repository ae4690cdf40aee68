package projectscan

import (
	"regexp"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// procEntry is one process type of a Procfile.
type procEntry struct {
	name, command string
	line          int
}

var procNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// parseProcfile reads a Procfile: "TYPE: command" lines, blank lines and
// # comments. A line of another shape is an *inputerr.Error at its line.
func parseProcfile(file string, data []byte) ([]procEntry, error) {
	var out []procEntry
	seen := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		name, cmd, ok := strings.Cut(trimmed, ":")
		name = strings.TrimSpace(name)
		if !ok || !procNameRE.MatchString(name) {
			return nil, inputerr.At(file, i+1, 1, "want \"TYPE: command\" (TYPE of letters, digits, _ and -), got %q", trimmed)
		}
		if strings.TrimSpace(cmd) == "" {
			return nil, inputerr.At(file, i+1, len(name)+2, "process type %q has no command", name)
		}
		if prev, dup := seen[name]; dup {
			return nil, inputerr.At(file, i+1, 1, "process type %q is defined twice (first at line %d)", name, prev)
		}
		seen[name] = i + 1
		out = append(out, procEntry{name: name, command: strings.TrimSpace(cmd), line: i + 1})
	}
	return out, nil
}
