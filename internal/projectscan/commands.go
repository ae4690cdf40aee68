package projectscan

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
)

// cmdCand is one command the project says it runs.
type cmdCand struct {
	entrypoint, cmd []string
	from            string
	at              Evidence
	si              serverInfo
	order           int
	unset           []string
	portEnv         int // PORT value init fills for a command that reads $PORT
	script          bool
}

// argv is the whole command line.
func (c cmdCand) argv() []string { return append(append([]string{}, c.entrypoint...), c.cmd...) }

// class orders candidates: production servers, then other commands, then
// development servers.
func (c cmdCand) class() int {
	switch {
	case c.si.dev:
		return 2
	case c.si.server != "":
		return 0
	}
	return 1
}

// fromShell builds a candidate from a shell command line: $PORT the
// environment does not set is filled with port (and recorded); any other
// unset variable keeps the line under /bin/sh -c, so the shell expands it
// at run time as before.
func fromShell(line string, env map[string]string, port int) (argv []string, unset []string, portEnv int) {
	sl := splitShell(line, env, nil)
	for _, u := range sl.unset {
		if u == "PORT" {
			portEnv = port
		}
	}
	if portEnv != 0 {
		sl = splitShell(line, env, map[string]string{"PORT": fmt.Sprint(portEnv)})
	}
	for _, u := range sl.unset {
		if u != "PORT" {
			unset = append(unset, u)
		}
	}
	if len(unset) > 0 && !sl.needsShell {
		return []string{"/bin/sh", "-c", strings.TrimPrefix(strings.TrimSpace(line), "exec ")}, unset, portEnv
	}
	return sl.argv, unset, portEnv
}

// dockerCandidate is the Dockerfile's ENTRYPOINT and CMD, as Docker
// combines them.
func (s *scanner) dockerCandidate(exposed int) *cmdCand {
	df := s.df
	if df == nil || df.entrypoint == nil && df.cmd == nil {
		return nil
	}
	env := df.runtimeEnv()
	c := &cmdCand{from: "Dockerfile CMD"}
	conv := func(dc *dockerCmd) []string {
		if !dc.shell {
			return dc.argv
		}
		argv, unset, pe := fromShell(strings.Join(dc.argv, " "), env, exposed)
		c.unset, c.portEnv = append(c.unset, unset...), max(c.portEnv, pe)
		return argv
	}
	if df.entrypoint != nil {
		c.from, c.at = "Dockerfile ENTRYPOINT", Evidence{File: df.file, Line: df.entrypoint.line}
		c.entrypoint = conv(df.entrypoint)
		if df.cmd != nil && !df.entrypoint.shell {
			c.cmd = conv(df.cmd)
			c.from = "Dockerfile ENTRYPOINT and CMD"
		}
		name := path.Base(c.entrypoint[0])
		c.script = strings.HasSuffix(name, ".sh") || strings.Contains(name, "entrypoint") || strings.HasPrefix(c.entrypoint[0], "/") && name != "sh" && !strings.HasPrefix(name, "python") && name != "tini" && name != "dumb-init"
	} else {
		c.at = Evidence{File: df.file, Line: df.cmd.line}
		c.cmd = conv(df.cmd)
	}
	c.si = analyzeCommand(unshell(c.argv()))
	if c.script && c.cmd != nil {
		c.si = analyzeCommand(unshell(c.cmd)) // entrypoint scripts end with exec "$@"
	}
	return c
}

// unshell looks inside /bin/sh -c "LINE" to recognise the server LINE runs.
func unshell(argv []string) []string {
	if len(argv) == 3 && (argv[0] == "/bin/sh" || argv[0] == "sh" || argv[0] == "/bin/bash" || argv[0] == "bash") && argv[1] == "-c" {
		line := argv[2]
		if i := strings.LastIndex(line, "&&"); i >= 0 {
			line = line[i+2:]
		}
		return strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "exec "))
	}
	return argv
}

// scriptCandidates are pdm scripts and console scripts ([project.scripts],
// [tool.poetry.scripts]) that could start the service.
func (s *scanner) scriptCandidates(exposed int) []cmdCand {
	if s.py == nil {
		return nil
	}
	var out []cmdCand
	file := s.rel("pyproject.toml")
	for _, name := range slices.Sorted(maps.Keys(s.py.Tool.PDM.Scripts)) {
		line, shellForm := pdmScript(s.py.Tool.PDM.Scripts[name])
		if line == "" {
			continue
		}
		argv, unset, pe := fromShell(line, nil, exposed)
		if shellForm && len(unset) == 0 && !needsShell(line) {
			argv = []string{"/bin/sh", "-c", line}
		}
		c := cmdCand{entrypoint: argv, from: "pdm script " + name, at: Evidence{File: file, Line: keyLine(s.py.data, "tool.pdm.scripts", name)}, unset: unset, portEnv: pe}
		c.si = analyzeCommand(unshell(argv))
		if c.si.server == "" && !serveName(name) {
			continue
		}
		out = append(out, c)
	}
	scripts := map[string]string{}
	tables := map[string]string{}
	for k, v := range s.py.Project.Scripts {
		scripts[k], tables[k] = v, "project.scripts"
	}
	for k, v := range s.py.Tool.Poetry.Scripts {
		if str, ok := v.(string); ok {
			scripts[k], tables[k] = str, "tool.poetry.scripts"
		}
	}
	names := slices.Sorted(maps.Keys(scripts))
	// Scripts named like a server (or like the project) come first among scripts.
	slices.SortStableFunc(names, func(a, b string) int {
		return boolRank(serveName(b) || b == s.svc.Name) - boolRank(serveName(a) || a == s.svc.Name)
	})
	for _, name := range names {
		if devReqRE.MatchString(name) {
			continue
		}
		c := cmdCand{entrypoint: []string{name}, from: "console script " + name + " (" + scripts[name] + ")",
			at: Evidence{File: file, Line: keyLine(s.py.data, tables[name], name)}}
		out = append(out, c)
	}
	return out
}

// pdmScript reads a [tool.pdm.scripts] entry: a string, {cmd = …} (a
// string or a list) or {shell = …}.
func pdmScript(v any) (line string, shell bool) {
	switch x := v.(type) {
	case string:
		return x, false
	case map[string]any:
		if sh, ok := x["shell"].(string); ok {
			return sh, true
		}
		switch c := x["cmd"].(type) {
		case string:
			return c, false
		case []any:
			parts := make([]string, 0, len(c))
			for _, p := range c {
				if s, ok := p.(string); ok {
					parts = append(parts, shellQuote(s))
				}
			}
			return strings.Join(parts, " "), false
		}
	}
	return "", false
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"\\$&;|<>()*?[]#~`") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func serveName(name string) bool {
	switch strings.ToLower(name) {
	case "start", "serve", "server", "run", "web", "prod", "production", "api", "app", "gunicorn", "uvicorn":
		return true
	}
	return false
}
