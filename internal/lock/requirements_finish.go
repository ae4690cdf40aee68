package lock

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// finish applies constraints, merges duplicates, resolves registry URLs and
// "# via" edges, and builds the Lock.
func (p *reqParser) finish() (*Lock, error) {
	l := &Lock{Files: p.files, Options: p.options, Indexes: p.indexes}
	for i := range l.Indexes {
		if hostTrusted(l.Indexes[i].URL, p.trusted) {
			f := false
			l.Indexes[i].VerifySSL = &f
		}
	}
	registry := p.indexURL
	if registry == "" && !p.noIndex {
		registry = defaultIndexURL
	}
	pins := map[string]Package{}
	for _, e := range p.entries {
		if e.constraint && e.pkg.Version != "" {
			pins[e.pkg.Name] = e.pkg
		}
	}
	seen := map[string]int{}
	var kept []*reqEntry
	for _, e := range p.entries {
		if e.constraint {
			continue
		}
		pkg := &e.pkg
		if pkg.Source.Kind == SourceRegistry {
			pkg.Source.URL = registry
			if pin, ok := pins[pkg.Name]; ok && pkg.Version == "" {
				pkg.Version, pkg.Specifier = pin.Version, ""
				if len(pkg.Artifacts) == 0 {
					pkg.Artifacts = pin.Artifacts
				}
			}
		}
		k := pkg.Name + "\x00" + pkg.Marker
		if j, ok := seen[k]; ok {
			prev := &kept[j].pkg
			if prev.Version != pkg.Version || prev.Specifier != pkg.Specifier || prev.Source != pkg.Source {
				return nil, inputerr.At(fileOf(p.root, *pkg), pkg.Line, 0, "double requirement %s: %s:%d already asks for %s", pkg.Name, fileOf(p.root, *prev), prev.Line, describeReq(*prev))
			}
			prev.Direct = prev.Direct || pkg.Direct
			kept[j].parents = append(kept[j].parents, e.parents...)
			continue
		}
		seen[k] = len(kept)
		kept = append(kept, e)
	}
	l.Packages = make([]Package, 0, len(kept))
	for _, e := range kept {
		l.Packages = append(l.Packages, e.pkg)
	}
	addViaEdges(l.Packages, kept)
	return l, nil
}

// addViaEdges turns "child # via parent" into parent → child dependencies.
func addViaEdges(pkgs []Package, entries []*reqEntry) {
	index := map[string][]int{}
	for i, p := range pkgs {
		index[p.Name] = append(index[p.Name], i)
	}
	for _, e := range entries {
		for _, parent := range e.parents {
			for _, i := range index[parent] {
				dep := Dependency{Name: e.pkg.Name, Version: e.pkg.Version, Marker: e.pkg.Marker}
				if !hasDependency(pkgs[i].Dependencies, dep) {
					pkgs[i].Dependencies = append(pkgs[i].Dependencies, dep)
				}
			}
		}
	}
}

func hasDependency(deps []Dependency, d Dependency) bool {
	for _, x := range deps {
		if x.Name == d.Name && x.Version == d.Version && x.Marker == d.Marker {
			return true
		}
	}
	return false
}

func fileOf(root string, p Package) string {
	if p.File != "" {
		return p.File
	}
	return root
}

func describeReq(p Package) string {
	switch {
	case p.Version != "":
		return "==" + p.Version
	case p.Specifier != "":
		return p.Specifier
	case p.Source.URL != "":
		return p.Source.URL
	case p.Source.Path != "":
		return p.Source.Path
	}
	return "any version"
}

func hostTrusted(raw string, trusted []string) bool {
	host := urlHost(raw)
	for _, t := range trusted {
		if strings.EqualFold(host, t) || strings.EqualFold(strings.Split(host, ":")[0], t) {
			return true
		}
	}
	return false
}

// urlHost is the host[:port] of a URL, tolerating ${VAR} references that
// net/url rejects.
func urlHost(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	return rest
}
