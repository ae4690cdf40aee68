package lock

import (
	"slices"
	"sort"

	"pinwheel.dev/pinwheel/internal/pep"
)

// poetryProjectExtras reads poetry.lock's top-level [extras] (the
// project's extras → the packages each adds) and the groups the packages
// name. A package the lock marks optional = true is installed only through
// an extra: its "main" group becomes the extras that reach it, following
// dependency edges through other optional packages.
func (r *tomlReader) poetryProjectExtras(top tval, l *Lock, optional map[int]bool) {
	for _, p := range l.Packages {
		for _, g := range p.Groups {
			if g != "main" {
				l.Groups = addUnique(l.Groups, g)
			}
		}
	}
	sort.Strings(l.Groups)
	et, ok := r.table(top, "extras")
	if !ok {
		return
	}
	byName := map[string][]int{}
	for i, p := range l.Packages {
		byName[p.Name] = append(byName[p.Name], i)
	}
	reach := map[int][]string{}
	for _, extra := range sortedKeys(et) {
		x := pep.NormalizeName(extra)
		l.Extras = addUnique(l.Extras, x)
		var queue []int
		for _, req := range r.strs(et, extra) {
			queue = append(queue, byName[pep.NormalizeName(requirementName(req))]...)
		}
		seen := map[int]bool{}
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			if seen[i] || !optional[i] {
				continue
			}
			seen[i] = true
			reach[i] = addUnique(reach[i], x)
			for _, d := range l.Packages[i].Dependencies {
				queue = append(queue, byName[d.Name]...)
			}
		}
	}
	for i, xs := range reach {
		p := &l.Packages[i]
		p.Groups = slices.DeleteFunc(p.Groups, func(g string) bool { return g == "main" })
		for _, x := range xs {
			p.Groups = addUnique(p.Groups, x)
		}
		sort.Strings(p.Groups)
	}
}
