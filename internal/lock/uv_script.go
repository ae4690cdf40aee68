package lock

import (
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// A uv.lock with no project entry installs its [manifest] requirements:
// the lock of a PEP 723 script (`uv lock --script app.py` writes
// app.py.lock) or of a workspace root that is not a project. scriptEntry
// stands in for that root: a virtual package (never installed, like uv's
// own virtual project) whose dependencies are the requirements, so the
// graph walk gives groups, direct flags and markers as for any project.

// hasLocalProject reports whether the lock holds a project of its own.
func hasLocalProject(entries []*uvEntry) bool {
	for _, e := range entries {
		if isLocalProject(e.pkg.Source.Kind) {
			return true
		}
	}
	return false
}

// scriptEntry is the virtual root for reqs. A requirement of a name uv
// locked in several versions (a fork) gets an edge to each, pinned by
// version.
func scriptEntry(path string, line int, reqs []Requirement, entries []*uvEntry) *uvEntry {
	name := filepath.Base(filepath.Dir(path)) // a workspace root: its directory
	if base := filepath.Base(path); isScriptLock(base) {
		name = strings.TrimSuffix(base, ".py.lock")
	}
	if name == "." || name == string(filepath.Separator) {
		name = "project"
	}
	e := &uvEntry{path: "manifest", pkg: Package{Name: pep.NormalizeName(name), Source: Source{Kind: SourceVirtual, Path: "."}, Line: line}}
	for _, req := range reqs {
		var versions []string
		for _, c := range entries {
			if c.pkg.Name == req.Name {
				versions = append(versions, c.pkg.Version)
			}
		}
		if len(versions) < 2 {
			versions = []string{""}
		}
		for _, v := range versions {
			e.deps = append(e.deps, uvDep{name: req.Name, version: v, extras: req.Extras, marker: req.Marker, path: "manifest.requirements"})
		}
	}
	e.requires = reqs
	return e
}
