package debian

import (
	"fmt"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Request is what to resolve: package relations ("python3.11-minimal",
// "tzdata (>= 2024a)") and the names whose dependencies are treated as
// satisfied without installing anything (e.g. debconf, whose only users
// are maintainer scripts, which pinwheel never runs).
type Request struct {
	Packages []string
	Exclude  []string
	Arch     string
}

// Resolve returns the closure of req over Pre-Depends and Depends, sorted
// by name. For each dependency the first alternative that can be satisfied
// is taken (an already chosen package or provider first), and for a name
// the highest version that meets the constraint; a virtual name is met by
// a package that Provides it (with a matching version for versioned
// dependencies). Essential packages (dpkg, bash, tar, …) are never added
// unless requested: dependencies on them serve package management and
// maintainer scripts, which a distroless-style base has none of; such
// dependencies are reported in Result.Skipped. Nothing satisfiable → an
// input error naming the index line and the chain of dependents.
func Resolve(idx *Index, req Request) (*Result, error) {
	r := newResolver(idx, req)
	skipped := map[string]bool{}
	type item struct {
		pkg   *Package
		chain []string
	}
	var queue []item
	selected := map[string]*Package{}
	add := func(p *Package, chain []string) error {
		if prev, ok := selected[p.Name]; ok {
			if prev != p {
				return fmt.Errorf("%s: both %s and %s are needed", strings.Join(chain, " → "), prev.ID(), p.ID())
			}
			return nil
		}
		selected[p.Name] = p
		queue = append(queue, item{p, append(append([]string{}, chain...), p.Name)})
		return nil
	}
	for _, s := range req.Packages {
		alts, err := ParseRelations(s)
		if err != nil || len(alts) != 1 || len(alts[0]) != 1 {
			return nil, inputerr.At("", 0, 0, "package %q: want a name with an optional version, e.g. tzdata or \"tzdata (>= 2024a)\"", s)
		}
		rel := alts[0][0]
		p := r.best(rel, selected)
		if p == nil {
			return nil, inputerr.At("", 0, 0, "%s", r.missing(rel, nil))
		}
		if err := add(p, nil); err != nil {
			return nil, err
		}
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		for _, group := range append(append([]Alternatives{}, it.pkg.PreDepends...), it.pkg.Depends...) {
			if r.satisfiedBy(group, selected) {
				continue
			}
			if e := r.essential(group); e != "" {
				skipped[e+" (Essential; needed by "+it.pkg.Name+")"] = true
				continue
			}
			var pick *Package
			for _, alt := range group {
				if pick = r.best(alt, selected); pick != nil {
					break
				}
			}
			if pick == nil {
				return nil, inputerr.At(it.pkg.Index, it.pkg.Line, 0, "%s %s depends on %s: %s",
					it.pkg.Name, it.pkg.Version, group, r.missing(group[0], it.chain))
			}
			if err := add(pick, it.chain); err != nil {
				return nil, inputerr.At(it.pkg.Index, it.pkg.Line, 0, "%v", err)
			}
		}
	}
	out := make([]*Package, 0, len(selected))
	for _, p := range selected {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	res := &Result{Packages: out}
	for s := range skipped {
		res.Skipped = append(res.Skipped, s)
	}
	sort.Strings(res.Skipped)
	return res, nil
}

// Result is a resolved closure.
type Result struct {
	Packages []*Package // sorted by name
	// Skipped are dependencies left out because they name Essential
	// packages: "dpkg (Essential; needed by readline-common)".
	Skipped []string
}

// essential returns the name of the first alternative of group that is an
// Essential package nobody requested, or "".
func (r *resolver) essential(group Alternatives) string {
	for _, alt := range group {
		if ps := r.byName[alt.Name]; len(ps) > 0 && ps[0].Essential {
			return alt.Name
		}
	}
	return ""
}

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

// provides reports whether p satisfies rel, itself or by a Provides entry.
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
