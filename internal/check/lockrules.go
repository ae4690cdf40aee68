package check

import (
	"context"
	"errors"
	"fmt"
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
		path, err = chooseLock(ctx, p)
	}
	member, why := false, ""
	if errors.Is(err, lock.ErrNoLockfile) && m != nil && m.File == "pyproject.toml" && p.lockfile == "" {
		var wsLock string
		if wsLock, why, err = workspaceLock(p); err != nil {
			return err
		}
		if wsLock == "" {
			err = lock.ErrNoLockfile
		} else {
			path, member = wsLock, true
		}
	}
	if errors.Is(err, lock.ErrNoLockfile) {
		file := anchorFile(p)
		if m != nil {
			file = m.File
		}
		r.add("PW101", file, 0, "no lockfile found (looked for pylock.toml, uv.lock, poetry.lock, pdm.lock, Pipfile.lock, requirements*.txt, requirements/*.txt and what the Dockerfile installs)%s", why)
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
	lockRoot := p.dir
	if member {
		lockRoot = filepath.Dir(path) // the workspace root, no further
	}
	l, err := lock.ParseFile(path, lock.WithRoot(lockRoot))
	if err != nil {
		return err
	}
	r.Lockfile = rel
	p.logger.DebugContext(ctx, "lockfile", "path", rel, "format", l.Format, "packages", len(l.Packages), "workspace member", member)
	if member {
		return checkMemberLock(p, l, m, rel, r)
	}
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

// chooseLock finds the project's production lock: the one the
// Dockerfile installs from (projectscan follows COPY to the file, one
// level down or under another name), else what lock.Detect finds when it
// is a lock, else projectscan's best candidate (requirements_lock.txt,
// requirements-prod.txt, requirements/*.txt, requirements.d/, reqs/),
// else what lock.Detect found (which PW101 then judges).
func chooseLock(ctx context.Context, p *project) (string, error) {
	detected, err := lock.Detect(p.dir)
	scanned := ""
	fromDockerfile := false
	if svc := p.scan(ctx); svc != nil && svc.Lockfile.Path != "" {
		scanned = filepath.Join(p.dir, filepath.FromSlash(svc.Lockfile.Path))
		fromDockerfile = strings.HasPrefix(svc.Lockfile.Why, "the Dockerfile installs")
	}
	switch {
	case scanned != "" && fromDockerfile:
		return scanned, nil
	case err == nil && (isLockName(detected) || scanned == ""):
		return detected, nil
	case scanned != "":
		return scanned, nil
	}
	return detected, err
}

// isLockName reports whether path is a lock by its format: a native lock,
// or a requirements file whose every line is pinned (the parser judges;
// an unparsable file counts, so its error is reported).
func isLockName(path string) bool {
	f, _ := lock.FormatOf(path)
	if f != lock.FormatRequirements {
		return true
	}
	l, err := lock.ParseFile(path, lock.WithRoot(filepath.Dir(path)))
	return err != nil || len(unpinnedPackages(l)) == 0
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

// checkHashes reports PW104 once per lock file for the selected packages
// (those a build installs): how many are locked without a hash (or to a
// VCS ref without a commit), which, and the line of the first. One finding
// per package drowned the report (80 in one service) without saying more.
func checkHashes(p *project, l *lock.Lock, pkgs []lock.Package, rel string, r *Report) {
	type group struct {
		file  string
		line  int
		names []string
	}
	var order []string
	groups := map[string]*group{}
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
		kind := "hash"
		if pkg.Source.Kind == lock.SourceGit {
			kind = "vcs"
		}
		key := kind + "\x00" + file
		g := groups[key]
		if g == nil {
			g = &group{file: file, line: pkg.Line}
			groups[key] = g
			order = append(order, key)
		}
		what := pkg.Name
		if pkg.Version != "" {
			what += " " + pkg.Version
		}
		g.names = append(g.names, what)
	}
	for _, key := range order {
		g := groups[key]
		kind, _, _ := strings.Cut(key, "\x00")
		switch {
		case kind == "vcs" && len(g.names) == 1:
			r.add("PW104", g.file, g.line, "%s is locked to a VCS ref without a resolved commit", g.names[0])
		case kind == "vcs":
			r.add("PW104", g.file, g.line, "%d packages are locked to a VCS ref without a resolved commit: %s", len(g.names), listSome(g.names, 10))
		case len(g.names) == 1:
			r.add("PW104", g.file, g.line, "%s is locked without a hash: its artifacts cannot be verified", g.names[0])
		default:
			r.add("PW104", g.file, g.line, "%d packages are locked without a hash, so their artifacts cannot be verified: %s", len(g.names), listSome(g.names, 10))
		}
	}
}

// listSome joins the first n names and says how many more there are.
func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// anchorFile is the file a project-wide finding points at when the project
// has no manifest: SARIF consumers (GitHub code scanning) reject a result
// without a location. "." (the project directory) when none exists.
func anchorFile(p *project) string {
	for _, name := range []string{"pinwheel.yaml", "Dockerfile", "requirements.in", "setup.py", "setup.cfg"} {
		if _, ok, _ := p.read(name); ok {
			return name
		}
	}
	return "."
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
	if m.RequiresPython != "" && l.RequiresPython != "" && !samePythons(m.RequiresPython, l.RequiresPython) {
		r.add("PW103", m.File, m.RequiresPythonLine, "%s requires Python %q but %s was resolved for %q",
			m.File, m.RequiresPython, rel, l.RequiresPython)
	}
}

// samePythons says whether two requires-python values admit the same
// Python releases (X.Y.0 of 2.7 and 3.0 to 3.40): pdm writes "<3.13" as
// "<=3.12" and poetry narrows [project]'s range, and neither is a stale
// lock. Values that are not specifier sets (Pipfile's "3.11") compare as
// text.
func samePythons(a, b string) bool {
	return pythonsWithin(a, b) && pythonsWithin(b, a)
}

// pythonReleases are the X.Y.0 points samePythons compares at.
var pythonReleases = func() []pep.Version {
	names := []string{"2.7"}
	for y := 0; y <= 40; y++ {
		names = append(names, fmt.Sprintf("3.%d", y))
	}
	out := make([]pep.Version, len(names))
	for i, n := range names {
		out[i], _ = pep.ParseVersion(n) // well-formed by construction
	}
	return out
}()

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
