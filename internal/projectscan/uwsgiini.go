package projectscan

import (
	"regexp"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// uwsgiConf is the listen address of a uWSGI ini file's [uwsgi] section.
type uwsgiConf struct {
	addr string // http or http-socket, with $(VAR) expanded from env
	line int
	// protocol is "http" for http/http-socket, "uwsgi" for socket (which
	// only a front proxy speaking the uwsgi protocol can reach).
	protocol string
	unset    []string // $(VAR)s env does not set
}

var uwsgiVarRE = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// parseUwsgiIni reads the [uwsgi] section of an ini file: key = value
// lines, ; and # comments. The last of http, http-socket and socket wins,
// http-ones over socket. A line that is neither is an *inputerr.Error.
func parseUwsgiIni(file string, data []byte, env map[string]string) (uwsgiConf, error) {
	var uc uwsgiConf
	section := ""
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(strings.TrimRight(line, "\r"))
		switch {
		case t == "" || t[0] == ';' || t[0] == '#':
			continue
		case t[0] == '[':
			if !strings.HasSuffix(t, "]") {
				return uc, inputerr.At(file, i+1, 1, "section header %q has no closing ]", t)
			}
			section = strings.TrimSpace(t[1 : len(t)-1])
			continue
		}
		key, value, ok := strings.Cut(t, "=")
		if !ok {
			return uc, inputerr.At(file, i+1, 1, "want key = value, got %q", t)
		}
		if section != "uwsgi" {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		proto := map[string]string{"http": "http", "http-socket": "http", "socket": "uwsgi"}[key]
		if proto == "" || proto == "uwsgi" && uc.protocol == "http" {
			continue
		}
		uc.protocol, uc.line, uc.unset = proto, i+1, nil
		uc.addr = uwsgiVarRE.ReplaceAllStringFunc(value, func(ref string) string {
			name := uwsgiVarRE.FindStringSubmatch(ref)[1]
			if v, ok := env[name]; ok {
				return v
			}
			uc.unset = append(uc.unset, name)
			return ref
		})
	}
	return uc, nil
}
