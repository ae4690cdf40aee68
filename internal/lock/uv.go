package lock

import (
	"net/url"
	"path"
	"strconv"
	"strings"
)

// uv.lock: the whole resolution graph as TOML (uv 0.3+; version = 1 with an
// optional revision). Each [[package]] is one distribution with its source,
// sdist, wheels and edges; the project's own packages (workspace members)
// are the editable/virtual/directory entries that the graph is walked from.

// uvEntry is a parsed [[package]] with the edges kept raw until every
// package is known and they can be resolved.
type uvEntry struct {
	pkg         Package
	path        string // key path, e.g. package[3]
	deps        []uvDep
	optional    map[string][]uvDep // extra → edges
	dev         map[string][]uvDep // dependency group → edges
	requiresDev map[string][]Requirement
	requires    []Requirement
}

// uvDep is one edge as written: version and source only when the name
// alone is ambiguous.
type uvDep struct {
	name, version string
	source        *Source
	extras        []string
	marker        string
	path          string
}

func parseUV(path string, data []byte) (*Lock, error) {
	r, err := newTOMLReader(path, data)
	if err != nil {
		return nil, err
	}
	top := r.root()
	l := &Lock{}
	l.LockVersion = r.uvVersion(top)
	l.RequiresPython = r.str(top, "requires-python")
	l.ResolutionMarkers = r.strs(top, "resolution-markers")
	key := "package"
	if !r.has(top, key) && r.has(top, "distribution") { // uv < 0.3 wrote [[distribution]]
		key = "distribution"
	}
	tables := r.tables(top, key)
	var members []string
	var scriptReqs []Requirement // a script lock's dependencies (uv lock --script)
	manifestLine := 0
	if m, ok := r.table(top, "manifest"); ok {
		members = r.strs(m, "members")
		scriptReqs = r.uvRequirements(m, "requirements", "")
		manifestLine = r.line(m)
	}
	if r.err != nil {
		return nil, r.err
	}
	entries := make([]*uvEntry, 0, len(tables))
	for _, t := range tables {
		e := r.uvPackage(t)
		if r.err != nil {
			return nil, r.err
		}
		entries = append(entries, e)
	}
	if len(members) == 0 && len(scriptReqs) > 0 && !hasLocalProject(entries) {
		entries = append(entries, scriptEntry(path, manifestLine, scriptReqs, entries))
	}
	if err := linkUV(r, l, entries, members); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, e := range entries {
		l.Packages = append(l.Packages, e.pkg)
		if s := e.pkg.Source; s.Kind == SourceRegistry && !seen[s.URL] {
			seen[s.URL] = true
			l.Indexes = append(l.Indexes, Index{URL: s.URL})
		}
	}
	return l, nil
}

// uvVersion checks the lock's version (1) and revision; "1" or "1.<revision>"
// would suggest a PEP 440 ordering uv does not promise, so the revision is
// spelled out.
func (r *tomlReader) uvVersion(top tval) string {
	v, ok := r.get(top, "version")
	if !ok {
		r.failf("", "missing top-level \"version\" (expected version = 1)")
		return ""
	}
	n, isInt := v.v.(int64)
	if !isInt {
		r.wrongType(v, "an integer")
		return ""
	}
	if n != 1 {
		r.failf("version", "uv.lock version %d is not supported (expected 1)", n)
		return ""
	}
	out := "1"
	if rv, ok := r.get(top, "revision"); ok {
		rn, isInt := rv.v.(int64)
		if !isInt {
			r.wrongType(rv, "an integer")
			return ""
		}
		out += " (revision " + strconv.FormatInt(rn, 10) + ")"
	}
	return out
}

func (r *tomlReader) uvPackage(t tval) *uvEntry {
	e := &uvEntry{path: t.path}
	p := &e.pkg
	p.Line = r.line(t)
	p.Name = r.distName(t, "the package name")
	p.Version = r.str(t, "version")
	src, ok := r.table(t, "source")
	if !ok && r.err == nil {
		r.failf(t.path, "%s (%s): missing \"source\" (expected e.g. source = { registry = \"https://pypi.org/simple\" })", t.path, p.Name)
		return e
	}
	p.Source = r.uvSource(src)
	if p.Source.Kind == SourceRegistry && p.Version == "" && r.err == nil {
		r.failf(t.path, "%s (%s): a package from an index needs a \"version\"", t.path, p.Name)
	}
	if sd, ok := r.table(t, "sdist"); ok {
		p.Artifacts = append(p.Artifacts, r.uvArtifact(sd, p.Source, ArtifactSdist))
	}
	for _, w := range r.tables(t, "wheels") {
		p.Artifacts = append(p.Artifacts, r.uvArtifact(w, p.Source, ArtifactWheel))
	}
	e.deps = r.uvDeps(t, "dependencies")
	e.optional = r.uvDepGroups(t, "optional-dependencies")
	e.dev = r.uvDepGroups(t, "dev-dependencies")
	if md, ok := r.table(t, "metadata"); ok {
		e.requires = r.uvRequirements(md, "requires-dist", "")
		if rd, ok := r.table(md, "requires-dev"); ok {
			e.requiresDev = map[string][]Requirement{}
			for _, g := range sortedKeys(rd) {
				e.requiresDev[g] = r.uvRequirements(rd, g, g)
			}
		}
	}
	return e
}

// uvSource reads a source = { <kind> = "..." } table.
func (r *tomlReader) uvSource(t tval) Source {
	kinds := []struct {
		key  string
		kind SourceKind
	}{
		{"registry", SourceRegistry}, {"git", SourceGit}, {"url", SourceURL}, {"path", SourcePath},
		{"directory", SourceDirectory}, {"editable", SourceEditable}, {"virtual", SourceVirtual},
	}
	var s Source
	found := 0
	for _, k := range kinds {
		if !r.has(t, k.key) {
			continue
		}
		found++
		v := r.str(t, k.key)
		s.Kind = k.kind
		switch k.kind {
		case SourceRegistry, SourceURL:
			s.URL = v
		case SourceGit:
			s = r.uvGitSource(joinKey(t.path, k.key), v)
		default:
			s.Path = v
		}
	}
	if found != 1 && r.err == nil {
		r.failf(t.path, "%s: expected exactly one of registry, git, url, path, directory, editable, virtual (found %d)", t.path, found)
	}
	if sub := r.str(t, "subdirectory"); sub != "" {
		s.Subdirectory = sub
	}
	return s
}

// uvGitSource splits uv's "https://host/repo?rev=x&subdirectory=y#commit".
func (r *tomlReader) uvGitSource(keyPath, raw string) Source {
	s := Source{Kind: SourceGit, VCS: "git"}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		r.failf(keyPath, "%s: git source %q is not a URL", keyPath, raw)
		return s
	}
	s.Commit = u.Fragment
	q := u.Query()
	for _, k := range []string{"rev", "tag", "branch"} {
		if v := q.Get(k); v != "" {
			s.Ref = v
		}
	}
	s.Subdirectory = q.Get("subdirectory")
	u.Fragment, u.RawFragment, u.RawQuery = "", "", ""
	s.URL = u.String()
	if s.Commit != "" && !isHexDigits(s.Commit) {
		r.failf(keyPath, "%s: git commit %q is not a hex commit id", keyPath, s.Commit)
	}
	return s
}

// uvArtifact reads an sdist or wheel entry. Direct URL and path sources
// name their file through the source (the entry carries only a hash, or a
// bare filename), and their artifacts are archives.
func (r *tomlReader) uvArtifact(t tval, src Source, kind ArtifactKind) Artifact {
	a := Artifact{Kind: kind}
	a.URL = r.str(t, "url")
	a.Path = r.str(t, "path")
	a.Name = r.str(t, "filename")
	a.Hashes = r.algoHash(t, "hash")
	a.Size = r.size(t, "size")
	r.datetime(t, "upload-time")
	if src.Kind == SourceURL || src.Kind == SourcePath {
		a.Kind = ArtifactArchive
		if a.URL == "" && a.Path == "" {
			a.URL, a.Path = src.URL, src.Path
		}
	}
	if a.Name == "" {
		a.Name = fileBase(a.URL + a.Path)
	}
	if a.URL == "" && a.Path == "" && r.err == nil {
		r.failf(t.path, "%s: expected the file's \"url\" or \"path\"", t.path)
	}
	return a
}

// fileBase is the last path segment of a URL or path, without query or fragment.
func fileBase(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, "/")
	if s == "" {
		return ""
	}
	b, err := url.PathUnescape(path.Base(strings.ReplaceAll(s, "\\", "/")))
	if err != nil {
		return path.Base(s)
	}
	return b
}

func (r *tomlReader) uvDeps(t tval, key string) []uvDep {
	var out []uvDep
	for _, d := range r.tables(t, key) {
		dep := uvDep{path: d.path}
		dep.name = r.distName(d, "the dependency's package name")
		dep.version = r.str(d, "version")
		if s, ok := r.table(d, "source"); ok {
			src := r.uvSource(s)
			dep.source = &src
		}
		dep.extras = r.strs(d, "extra")
		dep.marker = r.str(d, "marker")
		out = append(out, dep)
	}
	return out
}

func (r *tomlReader) uvDepGroups(t tval, key string) map[string][]uvDep {
	g, ok := r.table(t, key)
	if !ok {
		return nil
	}
	out := map[string][]uvDep{}
	for _, name := range sortedKeys(g) {
		out[name] = r.uvDeps(g, name)
	}
	return out
}
