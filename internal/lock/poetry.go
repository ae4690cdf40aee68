package lock

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// poetry.lock: [[package]] entries plus [metadata]. Lock-version 1.1 keeps
// the files of every package in [metadata.files] and says "main"/"dev" in
// each package's category; 2.0 moves files into the package; 2.1 (Poetry
// 2) adds groups and per-group markers. Edges are constraints, not pins.

func parsePoetry(path string, data []byte) (*Lock, error) {
	r, err := newTOMLReader(path, data)
	if err != nil {
		return nil, err
	}
	top := r.root()
	md, l := r.lockMetadata(top, "poetry.lock", "lock-version", "content-hash", "1", "2")
	l.RequiresPython = poetrySpecifier(r.str(md, "python-versions"))
	files := r.poetryMetadataFiles(md)
	tables := r.tables(top, "package")
	if r.err != nil {
		return nil, r.err
	}
	seen := map[string]bool{}
	optional := map[int]bool{}
	for _, t := range tables {
		p := r.poetryPackage(t, files)
		if r.err != nil {
			return nil, r.err
		}
		if r.boolean(t, "optional") {
			optional[len(l.Packages)] = true
		}
		l.Packages = append(l.Packages, p)
		if p.Source.Kind == SourceRegistry && p.Source.URL != "" && !seen[p.Source.URL] {
			seen[p.Source.URL] = true
			l.Indexes = append(l.Indexes, Index{Name: r.str(mustTable(r, t, "source"), "reference"), URL: p.Source.URL})
		}
	}
	pinEdges(l.Packages)
	extrasFromEdges(l.Packages)
	r.poetryProjectExtras(top, l, optional)
	if r.err != nil {
		return nil, r.err
	}
	return l, nil
}

func mustTable(r *tomlReader, t tval, key string) tval {
	v, _ := r.table(t, key)
	return v
}

// poetryMetadataFiles reads lock-version 1.1's [metadata.files]:
// package name → files, keyed by normalised name.
func (r *tomlReader) poetryMetadataFiles(md tval) map[string][]tval {
	ft, ok := r.table(md, "files")
	if !ok {
		return nil
	}
	out := map[string][]tval{}
	for _, name := range sortedKeys(ft) {
		out[pep.NormalizeName(name)] = r.tables(ft, name)
	}
	return out
}

func (r *tomlReader) poetryPackage(t tval, metaFiles map[string][]tval) Package {
	p := Package{Line: r.line(t)}
	p.Name = r.distName(t, "the package name")
	p.Version = r.requiredStr(t, "version", "the locked version")
	p.RequiresPython = r.str(t, "python-versions")
	if c := r.str(t, "category"); c != "" {
		p.Groups = []string{c}
	}
	for _, g := range r.strs(t, "groups") {
		p.Groups = addUnique(p.Groups, g)
	}
	p.Marker = r.poetryMarkers(t, p.Groups)
	r.boolean(t, "optional")
	p.Source = r.poetrySource(t)
	fileTables := r.tables(t, "files")
	if !r.has(t, "files") {
		fileTables = r.filesOfVersion(metaFiles[p.Name], p.Version)
	}
	for _, f := range fileTables {
		p.Artifacts = append(p.Artifacts, r.poetryFile(f, p.Source))
	}
	extraOf := r.poetryExtras(t)
	p.Dependencies = r.poetryDeps(t, extraOf)
	return p
}

// poetryMarkers reads markers = "..." or Poetry 2's per-group table
// markers = { main = "...", dev = "..." }. A package in a group without a
// marker is installed unconditionally; otherwise any group's marker will do.
func (r *tomlReader) poetryMarkers(t tval, groups []string) string {
	v, ok := r.get(t, "markers")
	if !ok {
		return ""
	}
	if s, isStr := v.v.(string); isStr {
		return s
	}
	if _, isMap := v.v.(map[string]any); !isMap {
		r.wrongType(v, "a marker string or a table of group = marker")
		return ""
	}
	var distinct []string
	for _, g := range groups {
		m := r.str(v, g)
		if m == "" {
			return ""
		}
		distinct = addUnique(distinct, m)
	}
	if len(groups) == 0 {
		for _, g := range sortedKeys(v) {
			distinct = addUnique(distinct, r.str(v, g))
		}
	}
	if len(distinct) == 1 {
		return distinct[0]
	}
	for i, m := range distinct {
		distinct[i] = parenIfOr(m)
	}
	return strings.Join(distinct, " or ")
}

func (r *tomlReader) poetrySource(t tval) Source {
	st, ok := r.table(t, "source")
	if !ok {
		return Source{Kind: SourceRegistry}
	}
	typ := r.requiredStr(st, "type", "the source type (git, url, file, directory or legacy)")
	u := r.str(st, "url")
	sub := r.str(st, "subdirectory")
	switch typ {
	case "git":
		return Source{Kind: SourceGit, VCS: "git", URL: u, Ref: r.str(st, "reference"),
			Commit: r.str(st, "resolved_reference"), Subdirectory: sub}
	case "url":
		return Source{Kind: SourceURL, URL: u, Subdirectory: sub}
	case "file":
		return Source{Kind: SourcePath, Path: u, Subdirectory: sub}
	case "directory":
		if r.boolean(t, "develop") {
			return Source{Kind: SourceEditable, Path: u, Subdirectory: sub}
		}
		return Source{Kind: SourceDirectory, Path: u, Subdirectory: sub}
	case "legacy", "":
		return Source{Kind: SourceRegistry, URL: u}
	}
	r.failf(joinKey(st.path, "type"), "%s.type: unknown source type %q (expected git, url, file, directory or legacy)", st.path, typ)
	return Source{}
}

// poetryFile reads a {file, hash} entry. Files of url and file sources are
// the archive the source names.
func (r *tomlReader) poetryFile(f tval, src Source) Artifact {
	name := r.requiredStr(f, "file", "the file name")
	a := Artifact{Name: name, Hashes: r.algoHash(f, "hash")}
	switch src.Kind {
	case SourceURL:
		a.Kind, a.URL = ArtifactArchive, src.URL
	case SourcePath:
		a.Kind, a.Path = ArtifactArchive, src.Path
	default:
		a.Kind = ArtifactSdist
		if strings.HasSuffix(strings.ToLower(name), ".whl") {
			a.Kind = ArtifactWheel
		}
	}
	return a
}

// poetryExtras maps each optional dependency to the extras that enable it,
// from [package.extras] name = ["dep (>=1)", "other[x]>=2; marker"].
func (r *tomlReader) poetryExtras(t tval) map[string][]string {
	et, ok := r.table(t, "extras")
	if !ok {
		return nil
	}
	out := map[string][]string{}
	for _, extra := range sortedKeys(et) {
		for _, req := range r.strs(et, extra) {
			name := pep.NormalizeName(requirementName(req))
			out[name] = addUnique(out[name], extra)
		}
	}
	return out
}

// requirementName is the leading distribution name of a PEP 508-ish string.
func requirementName(req string) string {
	req = strings.TrimSpace(req)
	end := strings.IndexFunc(req, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')
	})
	if end < 0 {
		return req
	}
	return req[:end]
}

// filesOfVersion picks, from lock-version 1.1's per-name file list, the
// files of one version (a name locked at two versions under different
// markers shares one list). Names that do not show the version keep them all.
func (r *tomlReader) filesOfVersion(files []tval, version string) []tval {
	var out []tval
	for _, f := range files {
		name := r.str(f, "file")
		if strings.Contains(name, "-"+version+"-") || strings.Contains(name, "-"+version+".") {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return files
	}
	return out
}
