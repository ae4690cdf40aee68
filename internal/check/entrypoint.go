package check

import (
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// checkEntrypoints reports PW307 for package installs in the shell scripts
// an image runs at start: scripts named by ENTRYPOINT or CMD (mapped back to
// the build context through COPY/ADD), and docker-entrypoint.sh-style files
// in the project.
func checkEntrypoints(p *project, df *dockerfile, r *Report) error {
	copied := map[string]string{} // image path → context path
	var referenced []string
	for _, in := range df.Instrs {
		switch in.Cmd {
		case "COPY", "ADD":
			if _, ok := in.flag("from"); ok || len(in.Args) < 2 {
				continue
			}
			dest := in.Args[len(in.Args)-1]
			srcs := sources(in)
			for _, src := range srcs {
				target := dest
				if strings.HasSuffix(dest, "/") || len(srcs) > 1 || dest == "." {
					target = path.Join(dest, path.Base(src))
				}
				copied[path.Clean(target)] = path.Clean(src)
				copied[path.Base(target)] = path.Clean(src)
			}
		case "ENTRYPOINT", "CMD":
			words := in.Args
			if !in.JSON && len(in.Args) > 0 {
				words = strings.Fields(in.Args[0])
			}
			referenced = append(referenced, words...)
		}
	}
	scripts := map[string]bool{}
	for _, ref := range referenced {
		clean := path.Clean(ref)
		candidates := []string{}
		if src, ok := copied[clean]; ok {
			candidates = append(candidates, src)
		} else if src, ok := copied[path.Base(clean)]; ok {
			candidates = append(candidates, src)
		}
		if strings.HasSuffix(clean, ".sh") {
			candidates = append(candidates, path.Base(clean))
		}
		for _, c := range candidates {
			if isShellScript(p, c) {
				scripts[c] = true
			}
		}
	}
	for _, pattern := range []string{"*entrypoint*.sh", "*/*entrypoint*.sh"} {
		m, _ := filepath.Glob(filepath.Join(p.dir, pattern))
		for _, f := range m {
			scripts[p.rel(f)] = true
		}
	}
	names := make([]string, 0, len(scripts))
	for s := range scripts {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, name := range names {
		if r.hasFile("PW307", name) {
			continue // already checked for another Dockerfile
		}
		if err := checkRuntimeScript(p, name, r); err != nil {
			return err
		}
	}
	return nil
}

// isShellScript reports whether the project file rel is a shell script: a
// *.sh name or a #!…sh shebang.
func isShellScript(p *project, rel string) bool {
	data, ok, err := p.read(rel)
	if err != nil || !ok {
		return false
	}
	if strings.HasSuffix(rel, ".sh") {
		return true
	}
	first, _, _ := strings.Cut(string(data), "\n")
	rest, ok := strings.CutPrefix(first, "#!")
	fields := strings.Fields(rest)
	if !ok || len(fields) == 0 {
		return false
	}
	interp := path.Base(fields[0])
	if interp == "env" && len(fields) > 1 {
		interp = fields[1]
	}
	return strings.HasSuffix(interp, "sh")
}

// checkRuntimeScript reports every package install in a start-up script.
func checkRuntimeScript(p *project, rel string, r *Report) error {
	data, ok, err := p.read(rel)
	if err != nil || !ok {
		return nil
	}
	if err := shellLimit(rel, string(data), 1); err != nil {
		return err
	}
	s := scanShell(string(data), 1)
	for _, c := range s.Cmds {
		tool, ok := runtimeInstall(p, c.Argv, nil)
		if !ok {
			continue
		}
		f := r.add("PW307", rel, c.Line, "%s runs at container start: the running service may differ from the built image", tool)
		f.Column = c.Col
	}
	for _, d := range s.PipeToShell {
		f := r.add("PW307", rel, d.Line, "%s piped into a shell at container start", strings.Join(d.Argv, " "))
		f.Column = d.Col
	}
	return nil
}

// hasFile reports whether a finding of rule id in file was already made.
func (r *Report) hasFile(id, file string) bool {
	for _, f := range r.Findings {
		if f.RuleID == id && f.File == file {
			return true
		}
	}
	return false
}
