package lock

import (
	"errors"
	"sort"

	"pinwheel.dev/pinwheel/internal/pep"
)

// attachManifest fills l.Declared from the manifest next to the lock, marks
// the declared packages Direct, and gives packages whose format recorded
// no groups the groups they are reachable from. No manifest is not an error.
func attachManifest(l *Lock) error {
	m, err := manifestFor(l.Path, l.Format)
	if errors.Is(err, ErrNoManifest) {
		return nil
	}
	if err != nil {
		return err
	}
	l.Declared = m.Requirements
	applyDeclared(l)
	if l.Format == FormatUV {
		l.ToolDefaultGroups = uvDefaultGroups(m.UVDefaultGroups, l.Groups)
	}
	return nil
}

// uvDefaultGroups are the groups a plain `uv sync` installs:
// [tool.uv] default-groups ("all": every group of the lock; unset: uv's
// ["dev"]).
func uvDefaultGroups(defaults, lockGroups []string) []string {
	switch {
	case defaults == nil:
		defaults = []string{"dev"}
	case len(defaults) == 1 && defaults[0] == "all":
		defaults = lockGroups
	}
	var out []string
	for _, g := range defaults {
		out = addUnique(out, pep.NormalizeName(g))
	}
	sort.Strings(out)
	return out
}

// applyDeclared marks direct packages and fills missing groups.
func applyDeclared(l *Lock) {
	declaredGroups := map[string][]string{}
	for _, r := range l.Declared {
		declaredGroups[r.Name] = appendUnique(declaredGroups[r.Name], r.Group)
	}
	byName := map[string][]int{}
	for i, p := range l.Packages {
		byName[p.Name] = append(byName[p.Name], i)
	}
	missing := map[int]bool{}
	for i, p := range l.Packages {
		if len(p.Groups) == 0 {
			missing[i] = true
		}
		if _, ok := declaredGroups[p.Name]; ok {
			l.Packages[i].Direct = true
		}
	}
	if len(missing) == 0 {
		return
	}
	// Walk dependency edges from each declared package, carrying its groups.
	names := make([]string, 0, len(declaredGroups))
	for n := range declaredGroups {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, root := range names {
		for _, g := range declaredGroups[root] {
			if g == "" {
				continue
			}
			seen := map[int]bool{}
			queue := append([]int(nil), byName[root]...)
			for len(queue) > 0 {
				i := queue[0]
				queue = queue[1:]
				if seen[i] {
					continue
				}
				seen[i] = true
				if missing[i] {
					l.Packages[i].Groups = appendUnique(l.Packages[i].Groups, g)
				}
				for _, d := range l.Packages[i].Dependencies {
					queue = append(queue, byName[d.Name]...)
				}
			}
		}
	}
	for i := range missing {
		sort.Strings(l.Packages[i].Groups)
	}
}
