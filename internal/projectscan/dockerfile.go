package projectscan

import (
	"bytes"
	"errors"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// dockerfile holds the facts of a Dockerfile that init uses, read with
// BuildKit's parser and expanded with BuildKit's shell lexer the way a
// build would: ARG before FROM for image names, ARG and ENV for EXPOSE,
// ENV alone for what runs at run time.
type dockerfile struct {
	file string
	// python is the Python of the final stage's image (following stage
	// names), else of the last stage built from a Python image.
	python   string
	pythonAt int
	// entrypoint and cmd of the final stage (inherited from the stage it
	// is built on when it sets none).
	entrypoint, cmd *dockerCmd
	expose          []portAt
	user, workdir   string
	userAt, workAt  int
	env             []EnvVar // final stage ENV, in order, last value wins
	copies          []copyAt // COPY/ADD sources of every stage
	runs            []runAt  // RUN commands of every stage
	escape          rune
	// base is the image the final stage starts from (its chain of stage
	// names followed), for telling what the Dockerfile inherits.
	base   string
	baseAt int
}

type dockerCmd struct {
	argv  []string // exec form, or the shell string alone
	shell bool
	line  int
}

type portAt struct {
	port int
	line int
}

type copyAt struct {
	srcs []string
	dest string
	line int
}

type runAt struct {
	cmd  string
	line int
}

// stage is the state of one build stage while reading it.
type stage struct {
	name       string
	base       string
	baseAt     int
	python     string
	pythonAt   int
	env        map[string]string // ENV, persists at run time
	args       map[string]string // ARG, build time only
	order      []EnvVar
	entrypoint *dockerCmd
	cmd        *dockerCmd
	expose     []portAt
	user       string
	userAt     int
	workdir    string
	workAt     int
}

var (
	pythonTagRE   = regexp.MustCompile(`^(?:python-?)?(3\.[0-9]{1,2})(?:\.[0-9]+)?(?:[-.].*)?$`)
	pythonInTagRE = regexp.MustCompile(`(?:^|[-_])python-?(3\.[0-9]{1,2})(?:$|[-._])`)
	pythonImageRE = regexp.MustCompile(`(?:^|/)python$`)
)

// parseDockerfile reads data (the contents of file) into the facts init
// uses. Syntax errors are *inputerr.Error at the offending line.
func parseDockerfile(file string, data []byte) (*dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		line := 0
		var le *parser.LocationError
		if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
			line = le.Locations[0][0].Start.Line
		}
		return nil, &inputerr.Error{Path: file, Line: line, Msg: "invalid Dockerfile", Err: err}
	}
	df := &dockerfile{file: file, escape: res.EscapeToken}
	lex := shell.NewLex(res.EscapeToken)
	global := map[string]string{} // ARGs before the first FROM
	var stages []*stage
	var cur *stage
	for _, n := range res.AST.Children {
		cmd := strings.ToUpper(n.Value)
		args := nodeArgs(n)
		if cmd == "FROM" {
			cur = newStage(stages, n, args, global, lex)
			stages = append(stages, cur)
			continue
		}
		if cmd == "ARG" {
			target := global
			if cur != nil {
				target = cur.args
			}
			for _, a := range args {
				k, v, hasDefault := strings.Cut(a, "=")
				if hasDefault {
					v = expand(lex, v, target, cur)
				} else if gv, ok := global[k]; ok && cur != nil {
					v = gv // a global ARG redeclared in a stage takes its default
				}
				target[k] = v
			}
			continue
		}
		if cur == nil {
			continue // only ARG may come before FROM; BuildKit reports others
		}
		cur.apply(df, cmd, n, args, lex)
	}
	if len(stages) == 0 {
		return nil, &inputerr.Error{Path: file, Line: 1, Msg: "invalid Dockerfile: no FROM instruction"}
	}
	final := stages[len(stages)-1]
	df.python, df.pythonAt = final.python, final.pythonAt
	if df.python == "" {
		for _, s := range stages {
			if s.python != "" {
				df.python, df.pythonAt = s.python, s.pythonAt
			}
		}
	}
	df.entrypoint, df.cmd, df.expose = final.entrypoint, final.cmd, final.expose
	df.user, df.userAt, df.workdir, df.workAt = final.user, final.userAt, final.workdir, final.workAt
	df.env = final.order
	df.base, df.baseAt = final.base, final.baseAt
	return df, nil
}

// nodeArgs lists the argument values of an instruction node.
func nodeArgs(n *parser.Node) []string {
	var out []string
	for a := n.Next; a != nil; a = a.Next {
		out = append(out, a.Value)
	}
	return out
}

// newStage starts the stage a FROM opens, inheriting from an earlier stage
// it names.
func newStage(stages []*stage, n *parser.Node, args []string, global map[string]string, lex *shell.Lex) *stage {
	s := &stage{env: map[string]string{}, args: map[string]string{}}
	if len(args) > 0 {
		s.base = expand(lex, args[0], global, nil)
	}
	s.baseAt = n.StartLine
	if len(args) >= 3 && strings.EqualFold(args[1], "AS") {
		s.name = strings.ToLower(args[2])
	}
	for _, p := range stages {
		if p.name != "" && p.name == strings.ToLower(s.base) {
			s.base, s.baseAt = p.base, p.baseAt
			s.python, s.pythonAt = p.python, p.pythonAt
			for k, v := range p.env {
				s.env[k] = v
			}
			s.order = append(s.order, p.order...)
			s.entrypoint, s.cmd, s.expose = p.entrypoint, p.cmd, p.expose
			s.user, s.userAt, s.workdir, s.workAt = p.user, p.userAt, p.workdir, p.workAt
			return s
		}
	}
	if v := imagePython(s.base); v != "" {
		s.python, s.pythonAt = v, n.StartLine
	}
	return s
}

// imagePython is the Python MAJOR.MINOR an image reference names:
// python:3.12-slim, docker.io/library/python:3.12.4@sha256:…,
// ghcr.io/astral-sh/uv:python3.12-bookworm-slim.
func imagePython(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	slash := strings.LastIndex(ref, "/")
	colon := strings.LastIndex(ref, ":")
	if colon <= slash {
		return ""
	}
	repo, tag := ref[:colon], ref[colon+1:]
	if pythonImageRE.MatchString(repo) {
		if m := pythonTagRE.FindStringSubmatch(tag); m != nil {
			return m[1]
		}
	}
	if m := pythonInTagRE.FindStringSubmatch(tag); m != nil {
		return m[1]
	}
	return ""
}

// apply records one instruction of stage s.
func (s *stage) apply(df *dockerfile, cmd string, n *parser.Node, args []string, lex *shell.Lex) {
	switch cmd {
	case "ENV":
		for i := 0; i+1 < len(args); i += 3 { // key, value, separator
			v := expand(lex, args[i+1], s.args, s)
			s.env[args[i]] = v
			s.order = append(s.order, EnvVar{Name: args[i], Value: v, At: Evidence{File: df.file, Line: n.StartLine}})
		}
	case "EXPOSE":
		s.expose = nil
		for _, a := range args {
			p, _, _ := strings.Cut(expand(lex, a, s.args, s), "/")
			p, _, _ = strings.Cut(p, "-")
			if port, err := strconv.Atoi(p); err == nil && port > 0 && port < 65536 {
				s.expose = append(s.expose, portAt{port, n.StartLine})
			}
		}
	case "USER":
		if len(args) > 0 {
			s.user, s.userAt = expand(lex, args[0], s.args, s), n.StartLine
		}
	case "WORKDIR":
		if len(args) > 0 {
			w := expand(lex, args[0], s.args, s)
			if !path.IsAbs(w) {
				w = path.Join("/", s.workdir, w)
			}
			s.workdir, s.workAt = path.Clean(w), n.StartLine
		}
	case "CMD", "ENTRYPOINT":
		c := &dockerCmd{argv: args, shell: !n.Attributes["json"], line: n.StartLine}
		if cmd == "CMD" {
			s.cmd = c
		} else {
			s.entrypoint, s.cmd = c, nil // Docker resets CMD when ENTRYPOINT is set
		}
	case "COPY", "ADD":
		if len(args) >= 2 && !hasFlag(n.Flags, "from") {
			words := make([]string, len(args))
			for i, a := range args {
				words[i] = expand(lex, a, s.args, s)
			}
			dest := words[len(words)-1]
			if !path.IsAbs(dest) && s.workdir != "" {
				isDir := strings.HasSuffix(dest, "/") || dest == "."
				dest = path.Join(s.workdir, dest)
				if isDir {
					dest += "/" // a directory destination keeps the sources' names
				}
			}
			df.copies = append(df.copies, copyAt{srcs: words[:len(words)-1], dest: dest, line: n.StartLine})
		}
	case "RUN":
		df.runs = append(df.runs, runAt{cmd: strings.Join(args, " "), line: n.StartLine})
		for _, h := range n.Heredocs {
			df.runs = append(df.runs, runAt{cmd: h.Content, line: n.StartLine})
		}
	}
}

func hasFlag(flags []string, name string) bool {
	for _, f := range flags {
		if f == "--"+name || strings.HasPrefix(f, "--"+name+"=") {
			return true
		}
	}
	return false
}

// expand substitutes $VAR and ${VAR…} in word the way BuildKit does at
// build time, from args and the stage's ENV (ENV wins, as in Docker).
// Unset variables expand to "", as in Docker; on a syntax error the word
// is returned as written.
func expand(lex *shell.Lex, word string, args map[string]string, s *stage) string {
	env := map[string]string{}
	for k, v := range args {
		env[k] = v
	}
	if s != nil {
		for k, v := range s.env {
			env[k] = v
		}
	}
	out, _, err := lex.ProcessWord(word, mapEnv(env))
	if err != nil {
		return word
	}
	return out
}

// mapEnv adapts a map to BuildKit's shell.EnvGetter.
type mapEnv map[string]string

func (m mapEnv) Get(k string) (string, bool) { v, ok := m[k]; return v, ok }
func (m mapEnv) Keys() []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// runtimeEnv is the final stage's ENV as a map: what a shell-form CMD sees.
func (df *dockerfile) runtimeEnv() map[string]string {
	m := map[string]string{}
	for _, e := range df.env {
		m[e.Name] = e.Value
	}
	return m
}
