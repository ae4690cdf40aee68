package check

import (
	"context"
	"path/filepath"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/lock"
)

// requirementsFiles lists the project's requirements files (not pip-compile
// *.in inputs), sorted.
func requirementsFiles(dir string) []string {
	var out []string
	for _, pattern := range []string{"requirements*.txt", "requirements/*.txt", "requirements.lock"} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		out = append(out, m...)
	}
	sort.Strings(out)
	return out
}

// parseRequirements reads the project's requirements file rel (a slash
// path) through p, so suppressions see it, and parses it with internal/lock's
// requirements parser (includes, continuations, options, hashes). ok is
// false when the file does not exist.
func parseRequirements(p *project, rel string) (l *lock.Lock, data []byte, ok bool, err error) {
	data, ok, err = p.read(rel)
	if err != nil || !ok {
		return nil, nil, ok, err
	}
	l, err = lock.Parse(filepath.Join(p.dir, filepath.FromSlash(rel)), lock.FormatRequirements, data, lock.WithRoot(p.dir))
	return l, data, err == nil, err
}

// unpinnedPackages are the packages requested by name from an index without
// one exact version (== without a wildcard, or ===) on the lines of the file
// l was parsed from; included files are checked as files of their own.
func unpinnedPackages(l *lock.Lock) []lock.Package {
	var out []lock.Package
	for _, pkg := range l.Packages {
		if pkg.File != "" && pkg.File != l.Path {
			continue
		}
		if pkg.Source.Kind == lock.SourceRegistry && pkg.Version == "" {
			out = append(out, pkg)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// lineStart is the 1-based column of the first non-blank character of line
// (1-based) in data: where a requirement starts.
func lineStart(data []byte, line int) int {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return 0
	}
	text := lines[line-1]
	return len(text) - len(strings.TrimLeft(text, " \t")) + 1
}

// checkRequirementsFiles reports PW105 for every requirement in a
// requirements file that is not pinned with ==.
func checkRequirementsFiles(_ context.Context, p *project, r *Report) error {
	for _, path := range requirementsFiles(p.dir) {
		rel := p.rel(path)
		l, data, ok, err := parseRequirements(p, rel)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		for _, pkg := range unpinnedPackages(l) {
			what := "has no version"
			if pkg.Specifier != "" {
				what = "allows a range (" + pkg.Specifier + ")"
			}
			f := r.add("PW105", rel, pkg.Line, "%s %s: installs may differ from build to build", pkg.Name, what)
			f.Column = lineStart(data, pkg.Line)
		}
	}
	return nil
}

// requirementsHashLocked reports whether a parsed requirements file (with
// its includes) installs at least one package and pins every downloaded
// package to a version and hashes; the project's own directories are built,
// not downloaded.
func requirementsHashLocked(l *lock.Lock) bool {
	downloads := 0
	for _, pkg := range l.Packages {
		switch pkg.Source.Kind {
		case lock.SourceDirectory, lock.SourceEditable, lock.SourceVirtual:
			continue
		}
		downloads++
		if pkg.Source.Kind == lock.SourceGit {
			return false // pip --require-hashes refuses VCS requirements
		}
		if pkg.Source.Kind == lock.SourceRegistry && pkg.Version == "" || !pkg.Hashed() {
			return false
		}
	}
	return downloads > 0
}
