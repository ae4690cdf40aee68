package debian

import (
	"fmt"
	"sort"
	"strings"
)

// The resolver's view of an index: packages by name (highest version
// first) and by what they provide.

type provider struct {
	pkg *Package
	rel Relation // the Provides entry
}

type resolver struct {
	byName   map[string][]*Package
	provides map[string][]provider
	exclude  map[string]bool
	arch     string
}

func newResolver(idx *Index, req Request) *resolver {
	r := &resolver{byName: map[string][]*Package{}, provides: map[string][]provider{}, exclude: map[string]bool{}, arch: req.Arch}
	for _, p := range idx.Packages {
		if p.Architecture != req.Arch && p.Architecture != "all" {
			continue
		}
		r.byName[p.Name] = append(r.byName[p.Name], p)
		for _, pr := range p.Provides {
			r.provides[pr.Name] = append(r.provides[pr.Name], provider{p, pr})
		}
	}
	for _, ps := range r.byName {
		sort.SliceStable(ps, func(i, j int) bool { return Compare(ps[i].Version, ps[j].Version) > 0 })
	}
	for _, e := range req.Exclude {
		r.exclude[e] = true
	}
	return r
}

func (r *resolver) archOK(rel Relation) bool {
	return rel.Arch == "" || rel.Arch == "any" || rel.Arch == "native" || rel.Arch == r.arch
}

// meets reports whether p satisfies rel, itself or by a Provides entry.
func (r *resolver) meets(p *Package, rel Relation) bool {
	if p.Name == rel.Name && rel.Satisfied(p.Version) {
		return true
	}
	for _, pr := range p.Provides {
		if pr.Name == rel.Name && (rel.Op == "" || (pr.Op == "=" && rel.Satisfied(pr.Version))) {
			return true
		}
	}
	return false
}

func (r *resolver) satisfiedBy(group Alternatives, selected map[string]*Package) bool {
	for _, alt := range group {
		if r.exclude[alt.Name] {
			return true
		}
		if p, ok := selected[alt.Name]; ok && r.meets(p, alt) {
			return true
		}
		for _, pr := range r.provides[alt.Name] {
			if selected[pr.pkg.Name] == pr.pkg && r.meets(pr.pkg, alt) {
				return true
			}
		}
	}
	return false
}

// best is the package to install for rel: the highest version of the real
// package that meets it, else a provider (one already chosen, else the
// first by name). A name already chosen at another version cannot change.
func (r *resolver) best(rel Relation, selected map[string]*Package) *Package {
	if !r.archOK(rel) {
		return nil
	}
	if p, ok := selected[rel.Name]; ok {
		if r.meets(p, rel) {
			return p
		}
		return nil
	}
	for _, p := range r.byName[rel.Name] {
		if rel.Satisfied(p.Version) {
			return p
		}
	}
	var cands []*Package
	for _, pr := range r.provides[rel.Name] {
		if !r.meets(pr.pkg, rel) {
			continue
		}
		if selected[pr.pkg.Name] == pr.pkg {
			return pr.pkg
		}
		if _, other := selected[pr.pkg.Name]; !other {
			cands = append(cands, pr.pkg)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Name < cands[j].Name })
	if len(cands) > 0 {
		return cands[0]
	}
	return nil
}

// missing explains why rel has no candidate.
func (r *resolver) missing(rel Relation, chain []string) string {
	why := fmt.Sprintf("no package %s in the index for %s", rel.Name, r.arch)
	if vs := r.byName[rel.Name]; len(vs) > 0 {
		have := make([]string, len(vs))
		for i, p := range vs {
			have[i] = p.Version.String()
		}
		why = fmt.Sprintf("no version of %s satisfies %s %s (the index has %s)", rel.Name, rel.Op, rel.Version, strings.Join(have, ", "))
	} else if !r.archOK(rel) {
		why = fmt.Sprintf("%s asks for architecture %s, resolving for %s", rel, rel.Arch, r.arch)
	}
	if len(chain) > 0 {
		why += " (needed by " + strings.Join(chain, " → ") + ")"
	}
	return why
}
