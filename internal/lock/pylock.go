package lock

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// PEP 751 pylock.toml / pylock.<name>.toml: lock-version "1.x" and one
// [[packages]] entry per installable distribution, each with at most one
// source: vcs, directory, archive, or sdist and/or wheels from an index.

// pylockMajor is the lock-version major this reader understands; the spec
// requires refusing any other major version.
const pylockMajor = 1

func parsePylock(path string, data []byte) (*Lock, error) {
	r, err := newTOMLReader(path, data)
	if err != nil {
		return nil, err
	}
	top := r.root()
	l := &Lock{}
	l.LockVersion = r.pylockVersion(top)
	l.ResolutionMarkers = r.strs(top, "environments")
	l.RequiresPython = r.str(top, "requires-python")
	l.Extras = normalizeExtras(r.strs(top, "extras"))
	l.Groups = normalizeExtras(r.strs(top, "dependency-groups"))
	l.DefaultGroups = normalizeExtras(r.strs(top, "default-groups"))
	r.requiredStr(top, "created-by", "the name of the tool that wrote the lock")
	if r.err == nil && !r.has(top, "packages") {
		r.failf("", "missing [[packages]] (a lock file lists its packages)")
	}
	tables := r.tables(top, "packages")
	if r.err != nil {
		return nil, r.err
	}
	seen := map[string]bool{}
	for _, t := range tables {
		p := r.pylockPackage(t)
		if r.err != nil {
			return nil, r.err
		}
		l.Packages = append(l.Packages, p)
		if p.Source.Kind == SourceRegistry && p.Source.URL != "" && !seen[p.Source.URL] {
			seen[p.Source.URL] = true
			l.Indexes = append(l.Indexes, Index{URL: p.Source.URL})
		}
	}
	pinEdges(l.Packages)
	markPylockDirect(l.Packages)
	return l, nil
}

// markPylockDirect marks as direct the dependencies of the lock's own
// projects: directory entries no other entry depends on (pylock has no
// manifest section; its root projects are the local trees it installs).
func markPylockDirect(pkgs []Package) {
	dependedOn := map[string]bool{}
	for _, p := range pkgs {
		for _, d := range p.Dependencies {
			dependedOn[d.Name] = true
		}
	}
	direct := map[string]bool{}
	for _, p := range pkgs {
		if (p.Source.Kind == SourceDirectory || p.Source.Kind == SourceEditable) && !dependedOn[p.Name] {
			for _, d := range p.Dependencies {
				direct[d.Name] = true
			}
		}
	}
	for i := range pkgs {
		if direct[pkgs[i].Name] {
			pkgs[i].Direct = true
		}
	}
}

func (r *tomlReader) pylockVersion(top tval) string {
	v := r.requiredStr(top, "lock-version", `the format version, e.g. "1.0"`)
	if r.err != nil {
		return ""
	}
	major, minor, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil || minor == "" || strings.Trim(minor, "0123456789") != "" {
		r.failf("lock-version", "lock-version %q: expected MAJOR.MINOR, e.g. \"1.0\"", v)
		return ""
	}
	if n != pylockMajor {
		r.failf("lock-version", "pylock lock-version %q is not supported: this reader understands lock-version %d.x", v, pylockMajor)
		return ""
	}
	return v
}

func (r *tomlReader) pylockPackage(t tval) Package {
	p := Package{Line: r.line(t)}
	p.Name = r.distName(t, "the package name")
	p.Version = r.str(t, "version")
	p.Marker = r.str(t, "marker")
	p.RequiresPython = r.str(t, "requires-python")
	p.Groups = pylockGroups(p.Marker)
	for _, d := range r.tables(t, "dependencies") {
		p.Dependencies = append(p.Dependencies, Dependency{
			Name:    r.distName(d, "the name of the package depended on"),
			Version: r.str(d, "version"),
		})
	}
	for _, a := range r.tables(t, "attestation-identities") {
		r.requiredStr(a, "kind", "the attestation identity kind")
	}
	r.table(t, "tool")

	var kinds []string
	for _, k := range []string{"vcs", "directory", "archive"} {
		if r.has(t, k) {
			kinds = append(kinds, k)
		}
	}
	if r.has(t, "sdist") || r.has(t, "wheels") {
		kinds = append(kinds, "sdist/wheels")
	}
	if len(kinds) > 1 {
		r.failf(t.path, "%s (%s): has %s; a package has at most one of vcs, directory, archive, or sdist/wheels", t.path, p.Name, strings.Join(kinds, " and "))
		return p
	}
	switch {
	case r.has(t, "vcs"):
		vcs, _ := r.table(t, "vcs")
		p.Source = r.pylockVCS(vcs)
	case r.has(t, "directory"):
		dir, _ := r.table(t, "directory")
		p.Source = Source{Kind: SourceDirectory, Path: r.requiredStr(dir, "path", "the directory's path"),
			Subdirectory: r.str(dir, "subdirectory")}
		if r.boolean(dir, "editable") {
			p.Source.Kind = SourceEditable
		}
	case r.has(t, "archive"):
		ar, _ := r.table(t, "archive")
		a := r.pylockFile(ar, ArtifactArchive)
		p.Artifacts = append(p.Artifacts, a)
		p.Source = Source{Kind: SourceURL, URL: a.URL, Subdirectory: r.str(ar, "subdirectory")}
		if a.URL == "" {
			p.Source = Source{Kind: SourcePath, Path: a.Path, Subdirectory: p.Source.Subdirectory}
		}
	default:
		p.Source = Source{Kind: SourceRegistry, URL: r.str(t, "index")}
		if sd, ok := r.table(t, "sdist"); ok {
			p.Artifacts = append(p.Artifacts, r.pylockFile(sd, ArtifactSdist))
		}
		for _, w := range r.tables(t, "wheels") {
			p.Artifacts = append(p.Artifacts, r.pylockFile(w, ArtifactWheel))
		}
	}
	return p
}

func (r *tomlReader) pylockVCS(t tval) Source {
	s := Source{Kind: SourceGit}
	s.VCS = r.requiredStr(t, "type", `the VCS type, e.g. "git"`)
	s.URL = r.str(t, "url")
	s.Path = r.str(t, "path")
	if s.URL == "" && s.Path == "" && r.err == nil {
		r.failf(t.path, "%s: expected \"url\" or \"path\" of the repository", t.path)
	}
	s.Ref = r.str(t, "requested-revision")
	s.Commit = r.requiredStr(t, "commit-id", "the exact commit the lock pins")
	s.Subdirectory = r.str(t, "subdirectory")
	return s
}

// pylockFile reads an archive, sdist or wheel table: a url or path and
// hashes are required (the name may be left to the URL's or path's last
// component).
func (r *tomlReader) pylockFile(t tval, kind ArtifactKind) Artifact {
	a := Artifact{Kind: kind}
	a.Name = r.str(t, "name")
	a.URL = r.str(t, "url")
	a.Path = r.str(t, "path")
	a.Size = r.size(t, "size")
	r.datetime(t, "upload-time")
	if r.err == nil && a.URL == "" && a.Path == "" {
		r.failf(t.path, "%s: expected \"url\" or \"path\" of the file", t.path)
	}
	if a.Name == "" {
		a.Name = fileBase(a.URL + a.Path)
	}
	if r.err == nil && !r.has(t, "hashes") {
		r.failf(t.path, "%s: missing \"hashes\" (every %s must record at least one hash, e.g. hashes = { sha256 = \"...\" })", t.path, kind)
	}
	a.Hashes = r.hashTable(t, "hashes")
	if r.err == nil && len(a.Hashes) == 0 {
		r.failf(joinKey(t.path, "hashes"), "%s.hashes: empty; expected at least one algorithm = \"hex\" entry", t.path)
	}
	return a
}

// pylockMembership finds 'name' in dependency_groups / 'name' in extras
// terms of a PEP 751 marker.
var pylockMembership = regexp.MustCompile(`(['"])([^'"]+)['"]\s+in\s+(dependency_groups|extras)\b`)

// pylockGroups are the dependency groups and extras a package's marker
// limits it to, or "main" when it names none (installed by default).
func pylockGroups(marker string) []string {
	var out []string
	for _, m := range pylockMembership.FindAllStringSubmatch(marker, -1) {
		out = addUnique(out, pep.NormalizeName(m[2]))
	}
	if len(out) == 0 {
		return []string{"main"}
	}
	sort.Strings(out)
	return out
}
