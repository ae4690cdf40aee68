package lock

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/pep"
)

// pipfilePackage turns one Pipfile.lock entry into a Package. indexes are the
// lock's _meta.sources in order; byName maps a source name to its URL.
func pipfilePackage(file, name string, loc entryLoc, e pipfileEntry, indexes []Index, byName map[string]string) (Package, error) {
	p := Package{Name: pep.NormalizeName(name), Marker: e.Markers, Line: loc.line}
	fail := func(needle, format string, args ...any) error {
		line, col := loc.at(needle)
		return inputerr.At(file, line, col, format, args...)
	}
	if p.Name == "" {
		return p, inputerr.At(file, loc.line, 0, "empty package name")
	}
	if len(e.Extras) > 0 {
		p.Extras = append([]string(nil), e.Extras...)
	}
	if e.Version != "" {
		v, pinned := trimPin(e.Version)
		switch {
		case pinned:
			if _, err := pep.ParseVersion(v); err != nil {
				return p, fail(`"version"`, "package %q: version %q: %v", name, e.Version, err)
			}
			p.Version = v
		case v != "*":
			if _, err := pep.ParseSpecifierSet(v); err != nil {
				return p, fail(`"version"`, "package %q: version %q: %v", name, e.Version, err)
			}
			p.Specifier = v
		}
	}
	if e.Markers != "" {
		if _, err := pep.ParseMarker(e.Markers); err != nil {
			return p, fail(`"markers"`, "package %q: markers %q: %v", name, e.Markers, err)
		}
	}
	var hashes [][2]string
	for _, h := range e.Hashes {
		alg, digest, ok := splitHash(h)
		if !ok {
			return p, fail(`"`+h+`"`, "package %q: hash %q: expected algorithm:hexdigest, e.g. sha256: and 64 hex digits", name, h)
		}
		hashes = append(hashes, [2]string{alg, digest})
	}
	vcs, repo := pipfileVCS(e)
	switch {
	case repo != "":
		p.Source = Source{Kind: SourceGit, VCS: vcs, URL: repo, Subdirectory: e.Subdirectory}
		if looksLikeCommit(e.Ref) {
			p.Source.Commit = strings.ToLower(e.Ref)
		} else {
			p.Source.Ref = e.Ref
		}
	case e.File != "" || e.URL != "":
		u := e.File
		if u == "" {
			u = e.URL
		}
		if strings.HasPrefix(u, "file:") || !strings.Contains(u, "://") {
			p.Source = localSource(strings.TrimPrefix(u, "file://"), e.Editable)
		} else {
			p.Source = Source{Kind: SourceURL, URL: u}
		}
	case e.Path != "":
		p.Source = localSource(e.Path, e.Editable)
	default:
		p.Source = Source{Kind: SourceRegistry}
		switch {
		case e.Index != "":
			u, ok := byName[e.Index]
			if !ok {
				return p, fail(`"index"`, "package %q: index %q is not among _meta.sources (%s)", name, e.Index, indexNames(indexes))
			}
			p.Source.URL = u
		case len(indexes) > 0:
			p.Source.URL = indexes[0].URL
		}
	}
	p.Artifacts = artifactsFor(p.Source, hashes)
	return p, nil
}

// artifactsFor builds a package's artifacts from a bare hash list: a direct
// URL or path archive is one artifact carrying its hashes, anything else gets
// one unnamed artifact per hash.
func artifactsFor(src Source, hashes [][2]string) []Artifact {
	loc := src.URL
	if src.Kind == SourcePath {
		loc = src.Path
	}
	if src.Kind != SourceURL && src.Kind != SourcePath {
		return hashOnlyArtifacts(hashes)
	}
	base := locationBase(loc)
	kind, ok := archiveKind(base)
	if !ok {
		kind = ArtifactArchive
	}
	a := Artifact{Kind: kind, Name: base}
	if src.Kind == SourceURL {
		a.URL = loc
	} else {
		a.Path = loc
	}
	extra := [][2]string{}
	for _, h := range hashes {
		if a.Hashes == nil {
			a.Hashes = map[string]string{}
		}
		if _, dup := a.Hashes[h[0]]; dup {
			extra = append(extra, h)
			continue
		}
		a.Hashes[h[0]] = h[1]
	}
	return append([]Artifact{a}, hashOnlyArtifacts(extra)...)
}

// localSource classifies a local path: an archive or wheel file, a source
// tree, or a source tree installed editable.
func localSource(p string, editable bool) Source {
	if editable {
		return Source{Kind: SourceEditable, Path: p}
	}
	if _, ok := archiveKind(p); ok {
		return Source{Kind: SourcePath, Path: p}
	}
	return Source{Kind: SourceDirectory, Path: p}
}

func pipfileVCS(e pipfileEntry) (vcs, repo string) {
	switch {
	case e.Git != "":
		return "git", e.Git
	case e.Hg != "":
		return "hg", e.Hg
	case e.Svn != "":
		return "svn", e.Svn
	case e.Bzr != "":
		return "bzr", e.Bzr
	}
	return "", ""
}

func indexNames(indexes []Index) string {
	var names []string
	for _, ix := range indexes {
		names = append(names, ix.Name)
	}
	if len(names) == 0 {
		return "none declared"
	}
	return strings.Join(names, ", ")
}
