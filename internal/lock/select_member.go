package lock

import (
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// memberAt is the workspace member whose source tree is dir (the
// service's directory), or nil when l is no workspace or dir is none of
// its members.
func memberAt(l *Lock, dir string) *Member {
	if dir == "" || len(l.Members) == 0 {
		return nil
	}
	want, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	lockDir, err := filepath.Abs(filepath.Dir(l.Path))
	if err != nil {
		return nil
	}
	for i, m := range l.Members {
		if filepath.Join(lockDir, filepath.FromSlash(m.Path)) == want {
			return &l.Members[i]
		}
	}
	return nil
}

// memberReach is what installing member m pulls in, as `uv sync
// --package m --no-default-groups` does: its dependencies, the extras and groups s
// asks for of it, and, transitively, the dependencies of each package with
// the extras its edges ask for. Other members are reached only through
// edges; their groups never are. Keys are name and locked version.
func (s *Selection) memberReach(l *Lock, m *Member) map[[2]string]bool {
	byName := map[string][]int{}
	for i, p := range l.Packages {
		byName[p.Name] = append(byName[p.Name], i)
	}
	type node struct {
		i      int
		extras []string
		root   bool
	}
	reach := map[[2]string]bool{}
	var queue []node
	for _, i := range byName[m.Name] {
		if l.Packages[i].Source.Path == m.Path {
			queue = append(queue, node{i, s.Extras, true})
		}
	}
	seen := map[string]bool{}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		p := l.Packages[n.i]
		key := p.Name + "\x00" + p.Version + "\x00" + strings.Join(n.extras, ",")
		if seen[key] {
			continue
		}
		seen[key] = true
		reach[[2]string{p.Name, p.Version}] = true
		groups := ""
		if n.root {
			groups = strings.Join(s.Groups, ",")
		}
		for _, d := range p.Dependencies {
			if !edgeMayHold(d.Marker, n.extras, groups) {
				continue
			}
			for _, j := range byName[d.Name] {
				if d.Version == "" || l.Packages[j].Version == d.Version {
					queue = append(queue, node{j, d.Extras, false})
				}
			}
		}
	}
	return reach
}

// edgeMayHold reports whether an edge's marker can hold when its package
// is installed with extras (or none) and the dependency groups: the
// extra/group terms decided, the environment left to the build.
func edgeMayHold(marker string, extras []string, groups string) bool {
	if marker == "" {
		return true
	}
	m, err := pep.ParseMarker(marker)
	if err != nil {
		return true
	}
	for _, x := range append([]string{""}, extras...) {
		v, decided, err := m.EvaluateKnown(pep.Environment{"extra": x, "dependency_groups": groups, "extras": ""})
		if err != nil || !decided || v {
			return true
		}
	}
	return false
}
