package lock

import (
	"sort"

	"pinwheel.dev/pinwheel/internal/pep"
)

// linkUV resolves every uv edge to its package, fills Dependencies,
// Extras, Groups, Direct, Marker and Declared, by walking from the project
// roots.
//
// Roots are the workspace members named in [manifest] members, or, when
// the lock has no manifest (a single project), the editable / virtual /
// directory packages that no other package depends on.
func linkUV(r *tomlReader, l *Lock, entries []*uvEntry, members []string) error {
	g := &uvGraph{r: r, entries: entries, byName: map[string][]int{}}
	for i, e := range entries {
		g.byName[e.pkg.Name] = append(g.byName[e.pkg.Name], i)
	}
	// Resolve all edges first so a dangling one is reported wherever it is.
	targets := map[*uvDep]int{}
	incoming := map[int]bool{}
	for _, e := range entries {
		for _, list := range e.edgeLists() {
			for k := range list {
				j, err := g.resolve(e, &list[k])
				if err != nil {
					return err
				}
				targets[&list[k]] = j
				if entries[j] != e {
					incoming[j] = true
				}
			}
		}
	}
	g.targets = targets
	roots := g.roots(members, incoming)

	extras := map[int]map[string]bool{}
	for _, e := range entries {
		e.pkg.Dependencies = g.dependencies(e)
		for _, list := range e.edgeLists() {
			for k := range list {
				d := &list[k]
				for _, x := range d.extras {
					addSet(extras, targets[d], x)
				}
			}
		}
	}
	for _, root := range roots {
		e := entries[root]
		if len(members) > 0 {
			l.Members = append(l.Members, Member{Name: e.pkg.Name, Path: e.pkg.Source.Path})
		}
		e.pkg.Groups = addUnique(e.pkg.Groups, "main")
		for x := range e.optional {
			addSet(extras, root, x)
			l.Extras = addUnique(l.Extras, x)
		}
		for grp := range e.dev {
			l.Groups = addUnique(l.Groups, grp)
		}
		g.walk(e.deps, "main")
		for _, x := range sortedMapKeys(e.optional) {
			g.walk(e.optional[x], x)
		}
		for _, grp := range sortedMapKeys(e.dev) {
			g.walk(e.dev[grp], grp)
		}
		for _, list := range e.edgeLists() {
			for k := range list {
				if j := targets[&list[k]]; j != root { // a project asking for its own extras
					entries[j].pkg.Direct = true
				}
			}
		}
		l.Declared = append(l.Declared, e.requires...)
		for _, grp := range sortedMapKeys(e.requiresDev) {
			l.Declared = append(l.Declared, e.requiresDev[grp]...)
		}
	}
	sort.Strings(l.Extras)
	sort.Strings(l.Groups)
	g.uvMarkers(roots)
	for i, e := range entries {
		e.pkg.Extras = sortedSet(extras[i])
		sort.Strings(e.pkg.Groups)
	}
	return nil
}

type uvGraph struct {
	r       *tomlReader
	entries []*uvEntry
	byName  map[string][]int
	targets map[*uvDep]int
}

// edgeLists are all of an entry's edge lists: dependencies, then each
// extra's, then each dev group's, in a stable order.
func (e *uvEntry) edgeLists() [][]uvDep {
	out := [][]uvDep{e.deps}
	for _, x := range sortedMapKeys(e.optional) {
		out = append(out, e.optional[x])
	}
	for _, grp := range sortedMapKeys(e.dev) {
		out = append(out, e.dev[grp])
	}
	return out
}

// resolve finds the package an edge points at: by name, then (when several
// versions of the name are locked) by the version and source it records.
func (g *uvGraph) resolve(from *uvEntry, d *uvDep) (int, error) {
	cands := g.byName[d.name]
	if d.version != "" || d.source != nil {
		var narrowed []int
		for _, i := range cands {
			p := g.entries[i].pkg
			if d.version != "" && p.Version != d.version {
				continue
			}
			if d.source != nil && !sameSource(*d.source, p.Source) {
				continue
			}
			narrowed = append(narrowed, i)
		}
		cands = narrowed
	}
	switch len(cands) {
	case 1:
		return cands[0], nil
	case 0:
		return 0, g.r.doc.errAt(d.path, "%s: dependency %q of %s is not a locked package", d.path, d.name, from.pkg.Name)
	}
	return 0, g.r.doc.errAt(d.path, "%s: dependency %q of %s is ambiguous: %d locked packages match (expected version and source to pick one)", d.path, d.name, from.pkg.Name, len(cands))
}

func sameSource(a, b Source) bool {
	return a.Kind == b.Kind && a.URL == b.URL && a.Path == b.Path && a.Commit == b.Commit
}

func (g *uvGraph) roots(members []string, incoming map[int]bool) []int {
	var out []int
	if len(members) > 0 {
		want := map[string]bool{}
		for _, m := range members {
			want[normalizeMember(m)] = true
		}
		for i, e := range g.entries {
			if want[e.pkg.Name] && isLocalProject(e.pkg.Source.Kind) {
				out = append(out, i)
			}
		}
		return out
	}
	for i, e := range g.entries {
		if isLocalProject(e.pkg.Source.Kind) && !incoming[i] {
			out = append(out, i)
		}
	}
	return out
}

func isLocalProject(k SourceKind) bool {
	return k == SourceEditable || k == SourceVirtual || k == SourceDirectory
}

// walk marks everything reachable from edges as belonging to group,
// following the optional dependencies of the extras each edge asks for.
func (g *uvGraph) walk(edges []uvDep, group string) {
	seen := map[uvNode]bool{}
	var queue []uvNode
	visit := func(n uvNode) {
		if !seen[n] {
			seen[n] = true
			queue = append(queue, n)
		}
	}
	push := func(list []uvDep) {
		for k := range list {
			d := &list[k]
			j := g.targets[d]
			visit(uvNode{j, ""})
			for _, x := range d.extras {
				visit(uvNode{j, x})
			}
		}
	}
	push(edges)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		e := g.entries[n.i]
		e.pkg.Groups = addUnique(e.pkg.Groups, group)
		if n.extra == "" {
			push(e.deps)
		} else {
			push(e.optional[n.extra])
		}
	}
}

// uvNode is a package, or one extra of it, in the group walk.
type uvNode struct {
	i     int
	extra string
}

// dependencies are an entry's edges in the model: its own, then each
// extra's (marker extra == 'x'), then each dev group's (marker
// 'g' in dependency_groups, as PEP 751 spells it), with the locked version
// each resolves to.
func (g *uvGraph) dependencies(e *uvEntry) []Dependency {
	var out []Dependency
	add := func(list []uvDep, cond string) {
		for k := range list {
			d := &list[k]
			out = append(out, Dependency{
				Name:    d.name,
				Version: g.entries[g.targets[d]].pkg.Version,
				Extras:  d.extras,
				Marker:  andMarker(d.marker, cond),
			})
		}
	}
	add(e.deps, "")
	for _, x := range sortedMapKeys(e.optional) {
		add(e.optional[x], "extra == '"+x+"'")
	}
	for _, grp := range sortedMapKeys(e.dev) {
		add(e.dev[grp], "'"+grp+"' in dependency_groups")
	}
	return out
}

// andMarker joins two PEP 508 markers with "and", parenthesising a
// marker that contains "or".
func andMarker(a, b string) string {
	switch {
	case a == "" || a == b:
		return b
	case b == "":
		return a
	}
	return parenIfOr(a) + " and " + parenIfOr(b)
}

func parenIfOr(m string) string {
	for i := 0; i+4 <= len(m); i++ {
		if m[i:i+4] == " or " {
			return "(" + m + ")"
		}
	}
	return m
}

func normalizeMember(m string) string {
	return pep.NormalizeName(m)
}

// addUnique appends s to list unless it is there already.
func addUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func addSet(m map[int]map[string]bool, i int, s string) {
	if m[i] == nil {
		m[i] = map[string]bool{}
	}
	m[i][s] = true
}

func sortedSet(s map[string]bool) []string {
	if len(s) == 0 {
		return nil
	}
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedMapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
