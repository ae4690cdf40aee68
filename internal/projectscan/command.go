package projectscan

import (
	"path"
	"strconv"
	"strings"
)

// serverInfo is what a command line says about the server it starts.
type serverInfo struct {
	server  string // gunicorn, uvicorn, hypercorn, waitress, daphne, granian, fastapi, django runserver, flask run
	dev     bool   // a development server, or --reload
	bind    *bindAddr
	portWhy string // the flag that gave the port, or "<server> default"
	config  string // gunicorn/hypercorn -c FILE
	badBind string // an address the command gives that does not parse
	// loopbackDefault is true when the server's default host is 127.0.0.1
	// and the command does not override it.
	loopbackDefault bool
}

// wrappers run the command after their own arguments: skip them to find
// the program that serves.
var wrappers = map[string]int{ // name → how many following words belong to the wrapper
	"exec": 0, "uv": -1, "poetry": -1, "pdm": -1, "pipenv": -1, "hatch": -1, "rye": -1,
	"ddtrace-run": 0, "opentelemetry-instrument": 0, "newrelic-admin": 1, "dumb-init": 0, "tini": 0, "--": 0,
	"env": 0, "doppler": -1, "dotenv": -1,
}

// program finds the program a command line runs, past wrappers
// (exec, uv run, poetry run, ddtrace-run, tini --, python -m X), and
// returns its name and the index of its first argument.
func program(argv []string) (string, int) {
	for i := 0; i < len(argv); i++ {
		name := path.Base(argv[i])
		if skip, ok := wrappers[name]; ok {
			if skip < 0 { // "uv run [--opts] X": skip to after "run"
				for i+1 < len(argv) && argv[i+1] != "run" {
					i++
				}
				i++
				for i+1 < len(argv) && strings.HasPrefix(argv[i+1], "-") {
					i++
				}
				continue
			}
			if name == "env" {
				for i+1 < len(argv) && strings.Contains(argv[i+1], "=") {
					i++
				}
			}
			i += skip
			continue
		}
		if strings.HasPrefix(name, "python") {
			for j := i + 1; j < len(argv); j++ {
				switch {
				case argv[j] == "-m" && j+1 < len(argv):
					return argv[j+1], j + 2
				case strings.HasPrefix(argv[j], "-"):
					continue
				default:
					return path.Base(argv[j]), j + 1 // python manage.py, python app.py
				}
			}
			return name, len(argv)
		}
		return name, i + 1
	}
	return "", len(argv)
}

// defaultPorts are the servers' own defaults, and whether their default
// host is loopback.
var defaultPorts = map[string]struct {
	port     int
	loopback bool
}{
	"gunicorn": {8000, true}, "uvicorn": {8000, true}, "hypercorn": {8000, true}, "daphne": {8000, true},
	"granian": {8000, true}, "waitress": {8080, false}, "fastapi": {8000, false},
	"django runserver": {8000, true}, "flask run": {5000, true},
}

// analyzeCommand recognises the server argv starts and what it listens on.
func analyzeCommand(argv []string) serverInfo {
	name, at := program(argv)
	rest := argv[min(at, len(argv)):]
	var si serverInfo
	switch name {
	case "gunicorn", "uvicorn", "hypercorn", "daphne", "granian", "uwsgi":
		si.server = name
	case "waitress-serve", "waitress":
		si.server = "waitress"
	case "fastapi":
		if len(rest) > 0 && (rest[0] == "run" || rest[0] == "dev") {
			si.server, si.dev = "fastapi", rest[0] == "dev"
			rest = rest[1:]
		}
	case "manage.py", "django-admin":
		if len(rest) > 0 && rest[0] == "runserver" {
			si.server, si.dev = "django runserver", true
			if len(rest) > 1 && !strings.HasPrefix(rest[1], "-") {
				si.setBind(rest[1], "runserver ADDRPORT")
			}
			rest = rest[1:]
		}
	case "flask":
		if idx := indexOf(rest, "run"); idx >= 0 {
			si.server, si.dev = "flask run", true
			rest = rest[idx+1:]
		}
	}
	if si.server == "" {
		return si
	}
	si.flags(rest)
	if si.server == "uwsgi" {
		return si // no default port: its ini file or EXPOSE says
	}
	if si.bind == nil || si.bind.port == 0 {
		d := defaultPorts[si.server]
		if si.bind == nil {
			si.bind = &bindAddr{}
			si.loopbackDefault = d.loopback
			if d.loopback {
				si.bind.host = "127.0.0.1"
			}
		}
		si.bind.port, si.portWhy = d.port, si.server+" default"
	}
	return si
}

// flags reads the listen options of si.server from args.
func (si *serverInfo) flags(args []string) {
	var host string
	hostSet := false
	for i := 0; i < len(args); i++ {
		flag, val, hasVal := strings.Cut(args[i], "=")
		next := func() string {
			if hasVal {
				return val
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case flag == "--reload" || flag == "--debug" && si.server == "flask run":
			si.dev = true
		case (flag == "-b" || flag == "--bind") && (si.server == "gunicorn" || si.server == "hypercorn"):
			if si.bind == nil || si.bind.port == 0 { // the first TCP bind is the one served
				si.setBind(next(), flag)
			} else {
				next()
			}
		case strings.HasPrefix(flag, "-b") && len(flag) > 2 && !hasVal && si.server == "gunicorn":
			si.setBind(flag[2:], "-b")
		case (flag == "-c" || flag == "--config") && (si.server == "gunicorn" || si.server == "hypercorn"):
			si.config = next()
		case flag == "--listen" && si.server == "waitress",
			(flag == "--http" || flag == "--http-socket") && si.server == "uwsgi":
			si.setBind(next(), flag)
		case flag == "--ini" && si.server == "uwsgi":
			si.config = next()
		case si.server == "uwsgi" && strings.HasSuffix(flag, ".ini") && si.config == "":
			si.config = flag
		case flag == "--host" || flag == "-h" && si.server == "flask run" || (flag == "-b" || flag == "--bind") && si.server == "daphne":
			host, hostSet = next(), true
		case flag == "--port" || flag == "-p" && (si.server == "flask run" || si.server == "daphne"):
			v := next()
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				si.badBind = v
				continue
			}
			if si.bind == nil {
				si.bind = &bindAddr{}
			}
			si.bind.port, si.portWhy = n, flag
		}
	}
	if hostSet {
		if si.bind == nil {
			si.bind = &bindAddr{}
		}
		si.bind.host = host
	} else if si.bind != nil && (si.portWhy == "--port" || si.portWhy == "-p") {
		if d := defaultPorts[si.server]; d.loopback && si.bind.host == "" {
			si.bind.host, si.loopbackDefault = "127.0.0.1", true
		}
	}
}

func (si *serverInfo) setBind(addr, why string) {
	b, err := parseBind(addr)
	if err != nil {
		si.badBind = addr
		return
	}
	si.bind, si.portWhy = &b, why
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
