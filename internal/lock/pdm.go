package lock

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// pdm.lock (PDM 2): [metadata] with groups, strategy, lock_version and
// content_hash, [[metadata.targets]], and one [[package]] per distribution
// with PEP 508 dependency strings and files = [{file|url, hash}]. A
// package installed with extras gets a second entry carrying extras = [...]
// and the extra's dependencies; it is folded into the base entry here.

func parsePDM(path string, data []byte) (*Lock, error) {
	r, err := newTOMLReader(path, data)
	if err != nil {
		return nil, err
	}
	top := r.root()
	md, l := r.lockMetadata(top, "pdm.lock", "lock_version", "content_hash", "3", "4")
	for _, g := range r.strs(md, "groups") {
		if g != "default" {
			l.Groups = addUnique(l.Groups, g)
		}
	}
	r.strs(md, "strategy")
	l.RequiresPython = r.str(md, "requires_python") // lock_version < 4.5
	var pythons []string
	for _, target := range r.tables(md, "targets") {
		if rp := r.str(target, "requires_python"); rp != "" {
			pythons = addUnique(pythons, rp)
		}
	}
	if len(pythons) == 1 {
		l.RequiresPython = pythons[0]
	}
	metaFiles := r.pdmMetadataFiles(md)
	tables := r.tables(top, "package")
	if r.err != nil {
		return nil, r.err
	}
	var pkgs []Package
	for _, t := range tables {
		p := r.pdmPackage(t, metaFiles)
		if r.err != nil {
			return nil, r.err
		}
		pkgs = append(pkgs, p)
	}
	l.Packages = foldPDMExtras(pkgs)
	pinEdges(l.Packages)
	extrasFromEdges(l.Packages)
	return l, nil
}

// pdmMetadataFiles reads the [metadata.files] table of lock_version < 4.1:
// "name version" → files.
func (r *tomlReader) pdmMetadataFiles(md tval) map[string][]tval {
	ft, ok := r.table(md, "files")
	if !ok {
		return nil
	}
	out := map[string][]tval{}
	for _, key := range sortedKeys(ft) {
		name, version, _ := strings.Cut(strings.TrimSpace(key), " ")
		out[pep.NormalizeName(name)+" "+strings.TrimSpace(version)] = r.tables(ft, key)
	}
	return out
}

func (r *tomlReader) pdmPackage(t tval, metaFiles map[string][]tval) Package {
	p := Package{Line: r.line(t)}
	p.Name = r.distName(t, "the package name")
	p.Version = r.str(t, "version")
	p.RequiresPython = r.str(t, "requires_python")
	p.Marker = r.str(t, "marker")
	p.Extras = normalizeExtras(r.strs(t, "extras"))
	for _, g := range r.strs(t, "groups") {
		if g == "default" {
			g = "main"
		}
		p.Groups = addUnique(p.Groups, g)
	}
	p.Source = r.pdmSource(t)
	files := r.tables(t, "files")
	if !r.has(t, "files") {
		files = metaFiles[p.Name+" "+p.Version]
	}
	for _, f := range files {
		p.Artifacts = append(p.Artifacts, r.pdmFile(f, p.Source))
	}
	deps, _ := r.get(t, "dependencies")
	for i, s := range r.strs(t, "dependencies") {
		d, ok := parseRequirementString(s)
		if !ok {
			r.failf(indexKey(deps.path, i), "%s: %q is not a PEP 508 requirement (expected name[extras] specifier; marker)", indexKey(deps.path, i), s)
			break
		}
		p.Dependencies = append(p.Dependencies, d)
	}
	return p
}

func (r *tomlReader) pdmSource(t tval) Source {
	sub := r.str(t, "subdirectory")
	switch {
	case r.has(t, "git"):
		return Source{Kind: SourceGit, VCS: "git", URL: r.str(t, "git"), Ref: r.str(t, "ref"),
			Commit: r.str(t, "revision"), Subdirectory: sub}
	case r.has(t, "hg"), r.has(t, "svn"), r.has(t, "bzr"):
		for _, vcs := range []string{"hg", "svn", "bzr"} {
			if r.has(t, vcs) {
				return Source{Kind: SourceGit, VCS: vcs, URL: r.str(t, vcs), Ref: r.str(t, "ref"),
					Commit: r.str(t, "revision"), Subdirectory: sub}
			}
		}
	case r.has(t, "path"):
		p := r.str(t, "path")
		switch {
		case r.boolean(t, "editable"):
			return Source{Kind: SourceEditable, Path: p, Subdirectory: sub}
		case isArchiveName(p):
			return Source{Kind: SourcePath, Path: p, Subdirectory: sub}
		}
		return Source{Kind: SourceDirectory, Path: p, Subdirectory: sub}
	case r.has(t, "url"):
		return Source{Kind: SourceURL, URL: r.str(t, "url"), Subdirectory: sub}
	}
	return Source{Kind: SourceRegistry}
}

func isArchiveName(p string) bool {
	l := strings.ToLower(p)
	for _, ext := range []string{".whl", ".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar"} {
		if strings.HasSuffix(l, ext) {
			return true
		}
	}
	return false
}

// pdmFile reads {file = "name", hash} or (static_urls) {url = "...", hash}.
func (r *tomlReader) pdmFile(f tval, src Source) Artifact {
	a := Artifact{URL: r.str(f, "url"), Name: r.str(f, "file"), Hashes: r.algoHash(f, "hash")}
	if a.Name == "" {
		a.Name = fileBase(a.URL)
	}
	if a.Name == "" && r.err == nil {
		r.failf(f.path, "%s: expected \"file\" or \"url\"", f.path)
	}
	switch src.Kind {
	case SourceURL:
		a.Kind = ArtifactArchive
		if a.URL == "" {
			a.URL = src.URL
		}
	case SourcePath:
		a.Kind, a.Path = ArtifactArchive, src.Path
	default:
		a.Kind = ArtifactSdist
		if strings.HasSuffix(strings.ToLower(a.Name), ".whl") {
			a.Kind = ArtifactWheel
		}
	}
	return a
}

// foldPDMExtras merges each "name[extras]" entry into the entry of the same
// name and version: its extras, groups, and the dependencies the extras
// add (the extra entry's pin on the base itself is dropped).
func foldPDMExtras(pkgs []Package) []Package {
	base := map[string]int{}
	for i, p := range pkgs {
		if len(p.Extras) == 0 {
			base[p.Name+" "+p.Version] = i
		}
	}
	folded := make([]bool, len(pkgs))
	for k, p := range pkgs {
		i, ok := base[p.Name+" "+p.Version]
		if len(p.Extras) == 0 || !ok {
			continue
		}
		folded[k] = true
		b := &pkgs[i]
		for _, x := range p.Extras {
			b.Extras = addUnique(b.Extras, pep.NormalizeName(x))
		}
		for _, g := range p.Groups {
			b.Groups = addUnique(b.Groups, g)
		}
		for _, d := range p.Dependencies {
			if d.Name == p.Name || pdmHasDependency(b.Dependencies, d) {
				continue
			}
			b.Dependencies = append(b.Dependencies, d)
		}
	}
	out := make([]Package, 0, len(pkgs))
	for k, p := range pkgs {
		if !folded[k] {
			out = append(out, p)
		}
	}
	return out
}

func pdmHasDependency(list []Dependency, d Dependency) bool {
	for _, x := range list {
		if x.Name == d.Name && x.Specifier == d.Specifier && x.Marker == d.Marker && strings.Join(x.Extras, ",") == strings.Join(d.Extras, ",") {
			return true
		}
	}
	return false
}
