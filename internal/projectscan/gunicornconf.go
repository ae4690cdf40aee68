package projectscan

import (
	"regexp"
	"strconv"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// gunicornConf is what a gunicorn.conf.py sets that init needs. Gunicorn
// configs are Python: only top-level assignments of string literals, lists
// of them, and the common os.environ.get("PORT", "8000") shapes are read.
type gunicornConf struct {
	bind     []string // addresses; PORT-from-environment shapes use their default
	bindLine int
	portEnv  bool // the bind reads $PORT from the environment
	wsgiApp  string
	wsgiLine int
	opaque   bool // a bind expression init could not read
	// seconds maps timeout, graceful_timeout (integer literals, or the
	// default of an os.environ.get) to their value and line.
	seconds map[string]secondsAt
}

// secondsAt is a duration setting in whole seconds and where it was set.
type secondsAt struct {
	value, line int
}

var (
	assignRE  = regexp.MustCompile(`^(bind|wsgi_app|port|timeout|graceful_timeout)\s*(?::\s*[A-Za-z_\[\], ]+)?=\s*(.*)$`)
	stringRE  = regexp.MustCompile(`^[fFrRuU]?("([^"\\]|\\.)*"|'([^'\\]|\\.)*')`)
	secondsRE = regexp.MustCompile(`^(?:int\(\s*)?(?:os\.(?:environ\.get|getenv)\(\s*["'][A-Za-z_][A-Za-z0-9_]*["']\s*,\s*)?["']?([0-9]{1,6})["']?\s*\)?\s*\)?$`)
	envPortRE = regexp.MustCompile(`os\.(?:environ\.get|getenv)\(\s*["']PORT["']\s*(?:,\s*["']?([0-9]{1,5})["']?)?\s*\)|os\.environ\[\s*["']PORT["']\s*\]`)
)

// parseGunicornConf reads the bind and wsgi_app settings of a gunicorn
// Python config. A bind it cannot read is reported as opaque, not an error:
// the config is code. Only an unterminated bracket is an input error.
func parseGunicornConf(file string, data []byte) (gunicornConf, error) {
	var gc gunicornConf
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		m := assignRE.FindStringSubmatch(strings.TrimRight(lines[i], "\r"))
		if m == nil {
			continue
		}
		start := i
		expr := stripComment(m[2])
		for depth(expr) > 0 {
			if i+1 >= len(lines) || i-start >= 50 {
				return gc, inputerr.At(file, start+1, 1, "%s = … has an unclosed bracket", m[1])
			}
			i++
			expr += " " + stripComment(strings.TrimSpace(lines[i]))
		}
		switch m[1] {
		case "wsgi_app":
			if s, ok := pyString(strings.TrimSpace(expr)); ok {
				gc.wsgiApp, gc.wsgiLine = s, start+1
			}
		case "timeout", "graceful_timeout":
			if sm := secondsRE.FindStringSubmatch(strings.TrimSpace(expr)); sm != nil {
				if gc.seconds == nil {
					gc.seconds = map[string]secondsAt{}
				}
				n, _ := strconv.Atoi(sm[1])
				gc.seconds[m[1]] = secondsAt{n, start + 1}
			}
		case "bind", "port":
			gc.bind, gc.bindLine, gc.portEnv, gc.opaque = nil, start+1, false, false
			gc.readBind(m[1], strings.TrimSpace(expr))
		}
	}
	return gc, nil
}

// readBind reads a bind (or legacy port) expression.
func (gc *gunicornConf) readBind(key, expr string) {
	if em := envPortRE.FindStringSubmatch(expr); em != nil {
		gc.portEnv = true
		port := em[1]
		if port == "" {
			port = "8000"
		}
		host := "0.0.0.0"
		if s, ok := pyString(strings.TrimSpace(expr)); ok && key == "bind" {
			host, _, _ = strings.Cut(s, ":")
			host = strings.TrimPrefix(strings.TrimSuffix(host, "{"), "{")
		}
		gc.bind = []string{host + ":" + port}
		return
	}
	if key == "port" {
		gc.opaque = true
		return
	}
	if s, ok := pyString(expr); ok && !strings.HasPrefix(strings.ToLower(expr), "f") {
		gc.bind = []string{s}
		return
	}
	if strings.HasPrefix(expr, "[") && strings.HasSuffix(expr, "]") {
		rest := strings.TrimSpace(expr[1 : len(expr)-1])
		for rest != "" {
			s, ok := pyString(rest)
			if !ok {
				gc.bind, gc.opaque = nil, true
				return
			}
			gc.bind = append(gc.bind, s)
			rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest[len(stringRE.FindString(rest)):]), ","))
		}
		return
	}
	gc.opaque = true
}

// pyString decodes the Python string literal at the start of s (no
// escapes beyond \" and \\ are expected in addresses).
func pyString(s string) (string, bool) {
	lit := stringRE.FindString(s)
	if lit == "" {
		return "", false
	}
	body := strings.TrimLeft(lit, "fFrRuU")
	body = body[1 : len(body)-1]
	return strings.NewReplacer(`\"`, `"`, `\'`, `'`, `\\`, `\`).Replace(body), true
}

// unquoted calls fn with each rune of s that is outside Python string
// quotes, and its index, until fn returns false.
func unquoted(s string, fn func(i int, r rune) bool) {
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case !fn(i, r):
			return
		}
	}
}

// stripComment cuts a # comment that is outside quotes.
func stripComment(s string) string {
	end := len(s)
	unquoted(s, func(i int, r rune) bool {
		if r == '#' {
			end = i
			return false
		}
		return true
	})
	return strings.TrimSpace(s[:end])
}

// depth is how many brackets s leaves open, outside quotes.
func depth(s string) int {
	d := 0
	unquoted(s, func(_ int, r rune) bool {
		switch r {
		case '[', '(', '{':
			d++
		case ']', ')', '}':
			d--
		}
		return true
	})
	return d
}
