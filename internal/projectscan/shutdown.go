package projectscan

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Setting is one number a server is configured with and where it came
// from ("--graceful-timeout", "gunicorn.conf.py:4", "gunicorn default").
type Setting struct {
	Seconds int    `json:"seconds"`
	From    string `json:"from"`
}

// Shutdown is what a server's configuration says about stopping: how long
// it drains in-flight requests after SIGTERM, and (gunicorn) how long a
// silent worker lives before the arbiter kills it.
type Shutdown struct {
	// Server is the server the command line starts (gunicorn, uvicorn,
	// hypercorn, …), "" when none is recognised.
	Server string `json:"server,omitempty"`
	// Graceful is the drain time; nil when the server does not bound it
	// (uvicorn without --timeout-graceful-shutdown) or is not known.
	Graceful *Setting `json:"graceful,omitempty"`
	// WorkerTimeout is gunicorn's timeout; nil for other servers.
	WorkerTimeout *Setting `json:"workerTimeout,omitempty"`
	// WorkerTmpDir is gunicorn's --worker-tmp-dir ("" for the default,
	// the system temporary directory).
	WorkerTmpDir string `json:"workerTmpDir,omitempty"`
}

// gracefulDefaults are the servers' own drain times when nothing sets
// them (gunicorn's graceful_timeout, hypercorn's graceful_timeout).
var gracefulDefaults = map[string]int{"gunicorn": 30, "hypercorn": 3}

// ReadShutdown reads the shutdown settings of the server argv starts, the
// way the server resolves them: its defaults, then (gunicorn) the config
// file (-c FILE, else gunicorn.conf.py) read from root (none when root is
// ""), then
// GUNICORN_CMD_ARGS from env, then the command line. A config path the
// image names absolutely (/app/gunicorn.conf.py) is looked up in root by
// its trailing path elements. Files are read through root only; a config
// with an unclosed bracket is an *inputerr.Error.
func ReadShutdown(ctx context.Context, root string, argv []string, env map[string]string) (Shutdown, error) {
	si := analyzeCommand(argv)
	sd := Shutdown{Server: si.server}
	if si.server == "" {
		return sd, nil
	}
	_, at := program(argv)
	flags := argv[min(at, len(argv)):]
	if d, ok := gracefulDefaults[si.server]; ok {
		sd.Graceful = &Setting{d, si.server + " default"}
	}
	if si.server != "gunicorn" {
		sd.readFlags(flags, "")
		return sd, nil
	}
	sd.WorkerTimeout = &Setting{30, "gunicorn default"}
	envArgs, _ := rawWords(env["GUNICORN_CMD_ARGS"])
	conf := configFlag(flags)
	if conf == "" {
		conf = configFlag(envArgs)
	}
	if err := sd.readGunicornConf(ctx, root, conf); err != nil {
		return sd, err
	}
	sd.readFlags(envArgs, "GUNICORN_CMD_ARGS ")
	sd.readFlags(flags, "")
	return sd, nil
}

// configFlag is the -c/--config value of gunicorn args.
func configFlag(args []string) string {
	conf := ""
	for i := 0; i < len(args); i++ {
		flag, val, hasVal := strings.Cut(args[i], "=")
		if flag != "-c" && flag != "--config" {
			continue
		}
		if !hasVal && i+1 < len(args) {
			i++
			val = args[i]
		}
		conf = val
	}
	return conf
}

// readGunicornConf applies the timeouts of the gunicorn config conf
// (gunicorn.conf.py when conf is "").
func (sd *Shutdown) readGunicornConf(ctx context.Context, root, conf string) error {
	if root == "" || strings.HasPrefix(conf, "python:") {
		return nil // no project, or a module on sys.path: not a file of the project
	}
	conf = strings.TrimPrefix(conf, "file:")
	if conf == "" {
		conf = "gunicorn.conf.py"
	}
	t, err := openTree(root)
	if err != nil {
		return err
	}
	defer t.Close()
	for _, rel := range suffixes(conf) {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := t.readOpt(rel)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		if data == nil {
			continue
		}
		gc, err := parseGunicornConf(rel, data)
		if err != nil {
			return err
		}
		if s, ok := gc.seconds["timeout"]; ok {
			sd.WorkerTimeout = &Setting{s.value, fmt.Sprintf("%s:%d", rel, s.line)}
		}
		if s, ok := gc.seconds["graceful_timeout"]; ok {
			sd.Graceful = &Setting{s.value, fmt.Sprintf("%s:%d", rel, s.line)}
		}
		return nil
	}
	return nil
}

// suffixes are the project-relative names a config path may have: the
// path itself when relative, else its trailing elements, longest first
// (/app/conf/g.py → app/conf/g.py, conf/g.py, g.py).
func suffixes(p string) []string {
	p = path.Clean(p)
	if !path.IsAbs(p) {
		if strings.HasPrefix(p, "../") || p == ".." {
			return nil
		}
		return []string{p}
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	out := make([]string, 0, len(parts))
	for i := range parts {
		out = append(out, strings.Join(parts[i:], "/"))
	}
	return out
}

// readFlags applies the shutdown flags of the server's args; from
// prefixes the flag name in Setting.From.
func (sd *Shutdown) readFlags(args []string, from string) {
	for i := 0; i < len(args); i++ {
		flag, val, hasVal := strings.Cut(args[i], "=")
		if !hasVal && i+1 < len(args) && strings.HasPrefix(flag, "-") {
			val = args[i+1]
		}
		var dst **Setting
		switch {
		case sd.Server == "gunicorn" && (flag == "-t" || flag == "--timeout"):
			dst = &sd.WorkerTimeout
		case (sd.Server == "gunicorn" || sd.Server == "hypercorn") && flag == "--graceful-timeout",
			sd.Server == "uvicorn" && flag == "--timeout-graceful-shutdown":
			dst = &sd.Graceful
		case sd.Server == "gunicorn" && flag == "--worker-tmp-dir":
			sd.WorkerTmpDir = val
			continue
		default:
			continue
		}
		n, err := strconv.ParseFloat(val, 64)
		if err != nil || n < 0 || n > 1e6 {
			continue
		}
		*dst = &Setting{int(n + 0.999), from + flag}
		if !hasVal {
			i++
		}
	}
}
