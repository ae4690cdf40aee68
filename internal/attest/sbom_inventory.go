package attest

import (
	"cmp"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"pinwheel.dev/pinwheel/internal/lock"
)

// inventory is the format-neutral view of a lock that both SBOM writers
// render: one item per installed package, the project (or image) at the
// root, and the dependency edges the lock records.
type inventory struct {
	root  rootItem
	items []item
	// graphKnown is true when the lock records package-to-package edges;
	// only then may a package with no edges be declared a leaf.
	graphKnown  bool
	lockFormat  string
	lockFile    string
	lockHash    string // lock.Hash: what the lock installs, format-independent
	contentHash string // the lock's own record of its input, when it has one
}

type rootItem struct {
	name, version string
	image         bool   // the subject is a container image
	digest        string // image digest, "sha256:…"
	purl          string // pkg:oci purl for images; empty for a project
	deps          []int  // indices into inventory.items
}

type item struct {
	pkg    *lock.Package
	purl   string
	ref    string // unique within the document: the purl, suffixed on collision
	hashes []digest
	scope  scope
	deps   []int // indices into inventory.items, ascending
}

// scope says whether an item is installed in production.
type scope int

const (
	scopeUnknown  scope = iota // the lock records no groups
	scopeRequired              // in the production set (lock.Select)
	scopeOptional              // outside it, but an extra would install it
	scopeExcluded              // outside it: development and other groups
)

// scoper classifies packages by the lock's selection.
type scoper struct {
	sel    *lock.Selection
	extras []string
	known  bool // the lock records groups at all
}

func newScoper(l *lock.Lock, sel *lock.Selection) scoper {
	if sel == nil {
		sel, _ = lock.Select(l, lock.Want{}) // no groups or extras asked: never fails
	}
	s := scoper{sel: sel, extras: l.Extras}
	for _, p := range l.Packages {
		s.known = s.known || len(p.Groups) > 0
	}
	return s
}

func (s scoper) of(p *lock.Package) scope {
	switch {
	case !s.known:
		return scopeUnknown
	case s.sel.Has(*p):
		return scopeRequired
	}
	for _, g := range p.Groups {
		if slices.Contains(s.extras, g) {
			return scopeOptional
		}
	}
	return scopeExcluded
}

// newInventory builds the neutral view: every locked package, or only
// those sel selects when it is set. It never fails: odd packages (no
// version, no artifacts, unknown hash algorithms) are rendered with what
// they have.
func newInventory(l *lock.Lock, subject Subject, sel *lock.Selection) *inventory {
	inv := &inventory{}
	if l == nil {
		l = &lock.Lock{}
	}
	inv.lockFormat, inv.contentHash = string(l.Format), l.ContentHash
	if len(l.Packages) > 0 {
		inv.lockHash = lock.Hash(l)
	}
	if l.Path != "" {
		inv.lockFile = filepath.Base(l.Path)
	}
	scopes := newScoper(l, sel)
	pkgs := make([]*lock.Package, 0, len(l.Packages))
	var project *lock.Package
	for i := range l.Packages {
		p := &l.Packages[i]
		if project == nil && isProjectItself(p) {
			project = p
			continue
		}
		if sel != nil && !sel.Has(*p) {
			continue
		}
		pkgs = append(pkgs, p)
	}
	slices.SortStableFunc(pkgs, func(a, b *lock.Package) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	usedRefs := map[string]bool{}
	byName := map[string][]int{}
	for i, p := range pkgs {
		purl := packagePURL(p, l.Indexes)
		inv.items = append(inv.items, item{
			pkg:    p,
			purl:   purl,
			ref:    uniqueRef(purl, usedRefs),
			hashes: packageHashes(p),
			scope:  scopes.of(p),
		})
		byName[p.Name] = append(byName[p.Name], i)
		if len(p.Dependencies) > 0 {
			inv.graphKnown = true
		}
	}
	for i := range inv.items {
		inv.items[i].deps = resolveEdges(inv.items, byName, inv.items[i].pkg.Dependencies, i)
	}
	inv.root = newRoot(l, subject, project, inv.items, byName)
	return inv
}

// isProjectItself recognises the lock's entry for the project being locked
// (uv records it as a virtual or editable source at ".").
func isProjectItself(p *lock.Package) bool {
	switch p.Source.Kind {
	case lock.SourceVirtual, lock.SourceEditable, lock.SourceDirectory:
		path := strings.TrimSuffix(filepath.ToSlash(p.Source.Path), "/")
		return path == "." || path == ""
	}
	return false
}

func uniqueRef(purl string, used map[string]bool) string {
	ref := purl
	for n := 2; used[ref]; n++ {
		ref = purl + "#duplicate-" + strconv.Itoa(n)
	}
	used[ref] = true
	return ref
}

// resolveEdges maps dependency edges to item indices. An edge naming a
// version links that version; an edge without one links every locked
// version of the name (uv forks by marker). Edges to packages the lock does
// not hold, and self-edges, are dropped.
func resolveEdges(items []item, byName map[string][]int, deps []lock.Dependency, self int) []int {
	var out []int
	for _, d := range deps {
		cands := byName[d.Name]
		matched := false
		if d.Version != "" {
			for _, c := range cands {
				if items[c].pkg.Version == d.Version {
					out = append(out, c)
					matched = true
				}
			}
		}
		if !matched {
			out = append(out, cands...)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return slices.DeleteFunc(out, func(i int) bool { return i == self })
}

func newRoot(l *lock.Lock, subject Subject, project *lock.Package, items []item, byName map[string][]int) rootItem {
	r := rootItem{name: subject.Name, version: subject.Version}
	if r.name == "" && project != nil {
		r.name = project.Name
	}
	if r.version == "" && project != nil {
		r.version = project.Version
	}
	if r.name == "" {
		r.name = projectNameFromPath(l.Path)
	}
	if subject.ImageDigest != "" {
		r.image, r.digest = true, subject.ImageDigest
		r.purl = imagePURL(subject, r.name)
	}
	if project != nil {
		r.deps = resolveEdges(items, byName, project.Dependencies, -1)
	}
	for i, it := range items {
		if it.pkg.Direct {
			r.deps = append(r.deps, i)
		}
	}
	for _, req := range l.Declared {
		r.deps = append(r.deps, byName[req.Name]...)
	}
	if len(r.deps) == 0 {
		r.deps = graphTops(items)
	}
	slices.Sort(r.deps)
	r.deps = slices.Compact(r.deps)
	return r
}

// graphTops are the items no other item depends on: the best guess at the
// project's direct dependencies when the lock does not mark them.
func graphTops(items []item) []int {
	needed := make([]bool, len(items))
	for _, it := range items {
		for _, d := range it.deps {
			needed[d] = true
		}
	}
	var tops []int
	for i := range items {
		if !needed[i] {
			tops = append(tops, i)
		}
	}
	return tops
}

func projectNameFromPath(path string) string {
	if path != "" {
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		dir := filepath.Base(filepath.Dir(path))
		if dir != "." && dir != string(filepath.Separator) && dir != "" {
			return dir
		}
	}
	return "python-project"
}
