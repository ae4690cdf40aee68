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
