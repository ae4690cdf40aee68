package check

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
)

// checkLock runs the lock-state rules: PW101 no lockfile, PW102 declared
// dependency missing from (or not satisfied by) the lock, PW103
// requires-python changed, PW104 packages without hashes.
func checkLock(ctx context.Context, p *project, r *Report) error {
	m, err := loadManifest(p)
	if err != nil {
		return err
	}
	path := p.lockfile
	if path == "" {
		path, err = lock.Detect(p.dir)
	}
	if errors.Is(err, lock.ErrNoLockfile) {
		file := ""
		if m != nil {
			file = m.File
		}
		r.add("PW101", file, 0, "no lockfile found (looked for pylock.toml, uv.lock, poetry.lock, pdm.lock, Pipfile.lock, requirements.lock/.txt)")
		return nil
	}
	if err != nil {
		return err
	}
	rel := p.rel(path)
	if m == nil {
		if m, err = scriptManifest(p, path); err != nil {
			return err
		}
	}
	if format, _ := lock.FormatOf(path); format == lock.FormatRequirements {
		// A requirements file is a lock only when every line is pinned;
		// checkRequirementsFiles reports the unpinned lines.
		l, _, _, err := parseRequirements(p, rel)
		if err != nil {
			return err
		}
		if n := len(unpinnedPackages(l)); n > 0 {
			r.add("PW101", rel, 0, "%s is not a lock: %d requirement(s) are not pinned with ==", rel, n)
			return nil
		}
	}
	l, err := lock.ParseFile(path, lock.WithRoot(p.dir))
	if err != nil {
		return err
	}
	r.Lockfile = rel
	p.logger.DebugContext(ctx, "lockfile", "path", rel, "format", l.Format, "packages", len(l.Packages))
	if _, _, err := p.read(rel); err != nil { // for suppressions
		return err
	}
	cfg, err := projectConfig(p)
	if err != nil {
		return err
	}
	sel, err := cfg.Select(l) // the packages pinwheel build installs
	if err != nil {
		return err
	}
	checkHashes(p, l, sel.Packages, rel, r)
	if m != nil {
		checkStale(m, l, rel, targetPythons(p, m.RequiresPython), r)
	}
	return checkMembers(p, l, m, rel, r)
}

// checkMembers runs the staleness rule (PW102) on each uv workspace
// member's pyproject.toml but the root's (checked above). Not PW103: a
// workspace lock is resolved for the intersection of its members'
// requires-python, so a member's own may rightly differ.
func checkMembers(p *project, l *lock.Lock, root *manifest, rel string, r *Report) error {
	lockDir := filepath.Dir(l.Path)
	for _, mem := range l.Members {
		dir := filepath.Join(lockDir, filepath.FromSlash(mem.Path))
		if filepath.Clean(dir) == filepath.Clean(lockDir) {
			continue
		}
		lm, err := lock.LoadManifest(dir)
		if errors.Is(err, lock.ErrNoManifest) {
			continue
		}
		if err != nil {
			return err
		}
		mm, err := p.wrapManifest(lm)
		if err != nil {
			return err
		}
		mm.RequiresPython = ""
		checkStale(mm, l, rel, targetPythons(p, ""), r)
	}
	return nil
}

// checkHashes reports PW104 for the selected packages (those a build
// installs) that are locked without a hash.
func checkHashes(p *project, l *lock.Lock, pkgs []lock.Package, rel string, r *Report) {
	for _, pkg := range pkgs {
		switch pkg.Source.Kind {
		case lock.SourceDirectory, lock.SourceEditable, lock.SourceVirtual:
			continue // the project's own tree: built, not downloaded
		}
		if pkg.Hashed() {
			continue
		}
		file := rel
		if pkg.File != "" && pkg.File != l.Path {
			file = p.rel(pkg.File)
		}
		what := pkg.Name
		if pkg.Version != "" {
			what += " " + pkg.Version
		}
		msg := "%s is locked without a hash: its artifacts cannot be verified"
		if pkg.Source.Kind == lock.SourceGit {
			msg = "%s is locked to a VCS ref without a resolved commit"
		}
		r.add("PW104", file, pkg.Line, msg, what)
	}
}

// checkStale reports declared dependencies the lock misses or pins outside
// their specifier, and a requires-python the lock was not resolved for. A
// dependency whose marker holds on none of the build targets (pythons on
// linux) is not expected in the lock, nor is a non-main group in a
// requirements file, which pip-compile writes for one set of requirements.
func checkStale(m *manifest, l *lock.Lock, rel string, pythons []string, r *Report) {
	for _, d := range m.Requirements {
		pkg, ok := l.Find(d.Name)
		if !ok && (!markerMayHold(d.Marker, pythons) || l.Format == lock.FormatRequirements && d.Group != "main") {
			continue
		}
		if !ok {
			r.add("PW102", relOr(d.File, m.File), d.Line, "%s declares %s but %s does not lock it: the lock is stale", m.File, d.Name, rel)
			continue
		}
		spec := d.Specifier
		set, err := pep.ParseSpecifierSet(spec)
		if spec == "" || spec == "*" || err != nil || pkg.Version == "" {
			continue
		}
		v, err := pep.ParseVersion(pkg.Version)
		if err == nil && !set.Contains(v, true) {
			r.add("PW102", relOr(d.File, m.File), d.Line, "%s requires %s%s but %s locks %s: the lock is stale", m.File, d.Name, spec, rel, pkg.Version)
		}
	}
	if m.RequiresPython != "" && l.RequiresPython != "" &&
		normalizeSpec(m.RequiresPython) != normalizeSpec(l.RequiresPython) {
		r.add("PW103", m.File, m.RequiresPythonLine, "%s requires Python %q but %s was resolved for %q",
			m.File, m.RequiresPython, rel, l.RequiresPython)
	}
}

// normalizeSpec makes specifier sets comparable: no spaces, clauses sorted.
func normalizeSpec(s string) string {
	parts := strings.Split(strings.ReplaceAll(s, " ", ""), ",")
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// relOr returns file, or fallback when file is empty.
func relOr(file, fallback string) string {
	if file == "" {
		return fallback
	}
	return file
}
