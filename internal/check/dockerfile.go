package check

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// instruction is one parsed Dockerfile instruction.
type instruction struct {
	Cmd        string   // upper case: FROM, RUN, …
	Flags      []string // --platform=…, --from=…
	Args       []string
	JSON       bool // exec (JSON array) form
	Start, End int  // 1-based lines
	Heredocs   []parser.Heredoc
}

// flag returns the value of --name=value, if present.
func (in instruction) flag(name string) (string, bool) {
	for _, f := range in.Flags {
		if v, ok := strings.CutPrefix(f, "--"+name+"="); ok {
			return v, true
		}
		if f == "--"+name {
			return "", true
		}
	}
	return "", false
}

// dockerfile is a parsed Dockerfile with its raw lines.
type dockerfile struct {
	File   string // relative slash path
	Lines  []string
	Instrs []instruction
	Escape rune
}

// parseDockerfile parses data with BuildKit's Dockerfile parser.
func parseDockerfile(file string, data []byte) (*dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		line, col := 0, 0
		var le *parser.LocationError
		if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
			line = le.Locations[0][0].Start.Line
			col = lineStart(data, line) // BuildKit reports whole lines
		}
		if line == 0 { // parser directives (# escape=x) carry no location
			line, col = escapeDirective(data)
		}
		return nil, &inputerr.Error{Path: file, Line: line, Col: col, Msg: "invalid Dockerfile", Err: err}
	}
	df := &dockerfile{File: file, Lines: strings.Split(string(data), "\n"), Escape: res.EscapeToken}
	for _, n := range res.AST.Children {
		in := instruction{
			Cmd: strings.ToUpper(n.Value), Flags: n.Flags, JSON: n.Attributes["json"],
			Start: n.StartLine, End: n.EndLine, Heredocs: n.Heredocs,
		}
		for a := n.Next; a != nil; a = a.Next {
			in.Args = append(in.Args, a.Value)
		}
		if in.Cmd == "RUN" || in.Cmd == "ENTRYPOINT" || in.Cmd == "CMD" {
			if err := instrShellLimit(df, in); err != nil {
				return nil, err
			}
		}
		df.Instrs = append(df.Instrs, in)
	}
	return df, nil
}

var escapeDirectiveRE = regexp.MustCompile(`(?i)^#\s*escape\s*=\s*`)

// escapeDirective is the line and column of the value of a "# escape="
// parser directive, or 0, 0.
func escapeDirective(data []byte) (line, col int) {
	for i, text := range strings.Split(string(data), "\n") {
		if m := escapeDirectiveRE.FindString(text); m != "" {
			return i + 1, len(m) + 1
		}
	}
	return 0, 0
}

// dockerfilePaths lists the Dockerfiles of the project, sorted.
func dockerfilePaths(dir string) []string {
	seen := map[string]bool{}
	var out []string
	for _, pattern := range []string{"Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile",
		"*/Dockerfile", "*/Dockerfile.*", "*/*.Dockerfile", "*/*.dockerfile", "*/Containerfile"} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, p := range m {
			if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() && !seen[p] &&
				!strings.HasSuffix(p, ".dockerignore") {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// loadDockerfiles parses every Dockerfile of the project.
func loadDockerfiles(p *project) ([]*dockerfile, error) {
	if p.dockerfiles != nil {
		return *p.dockerfiles, nil
	}
	out := []*dockerfile{}
	for _, path := range dockerfilePaths(p.dir) {
		rel := p.rel(path)
		data, _, err := p.read(rel)
		if err != nil {
			return nil, err
		}
		df, err := parseDockerfile(rel, data)
		if err != nil {
			return nil, err
		}
		out = append(out, df)
	}
	p.dockerfiles = &out
	return out, nil
}

// checkDockerfiles runs the Dockerfile rules (PW203, PW301–PW307, PW401).
func checkDockerfiles(ctx context.Context, p *project, r *Report) error {
	dfs, err := loadDockerfiles(p)
	if err != nil {
		return err
	}
	for _, df := range dfs {
		if err := checkDockerfile(p, df, r); err != nil {
			return err
		}
	}
	return nil
}

// checkDockerfile runs every per-Dockerfile rule on one parsed file.
func checkDockerfile(p *project, df *dockerfile, r *Report) error {
	args := map[string]string{} // ARG defaults seen so far
	env := map[string]string{}  // ENV of the current stage
	stages := map[string]bool{}
	for _, in := range df.Instrs {
		switch in.Cmd {
		case "ARG":
			for _, a := range in.Args {
				k, v, _ := strings.Cut(a, "=")
				args[k] = unquote(v)
			}
			checkArgSecrets(df, in, r)
		case "ENV":
			checkEnvSecrets(df, in, r)
			for i := 0; i+1 < len(in.Args); i += 3 {
				env[in.Args[i]] = unquote(in.Args[i+1])
			}
		case "FROM":
			checkFrom(df, in, args, stages, r)
			env = map[string]string{}
		case "ENTRYPOINT", "CMD":
			checkStartCommand(p, df, in, env, r)
		case "RUN":
			checkRun(p, df, in, env, r)
		case "ADD":
			checkAdd(df, in, r)
		case "COPY":
			checkCopyFrom(df, in, args, stages, r)
		}
	}
	return checkEntrypoints(p, df, r)
}

var varRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}?`)

// expandArgs substitutes ARG defaults into s; ok is false when a variable
// has no default.
func expandArgs(s string, args map[string]string) (string, bool) {
	ok := true
	out := varRef.ReplaceAllStringFunc(s, func(m string) string {
		name := varRef.FindStringSubmatch(m)[1]
		v, found := args[name]
		if !found || v == "" {
			ok = false
		}
		return v
	})
	return out, ok
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// lineOf returns the first line in [in.Start, in.End] containing needle,
// else in.Start: findings point at the physical line of a continued
// instruction.
func (df *dockerfile) lineOf(in instruction, needle string) int {
	for l := in.Start; l <= in.End && l <= len(df.Lines); l++ {
		if strings.Contains(df.Lines[l-1], needle) {
			return l
		}
	}
	return in.Start
}

// addAt records a Dockerfile finding and remembers its instruction's first
// line, so a suppression above a multi-line instruction covers it.
func addAt(r *Report, id, file string, in instruction, line int, format string, args ...any) *Finding {
	f := r.add(id, file, line, format, args...)
	f.instrLine = in.Start
	return f
}
