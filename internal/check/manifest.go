package check

import (
	"errors"

	"pinwheel.dev/pinwheel/internal/lock"
)

// manifest is what a project declares (pyproject.toml or Pipfile, read by
// lock.LoadManifest), with File relative to the project directory.
type manifest struct {
	*lock.Manifest
	File string
	// HasProject is false for a pyproject.toml that only configures tools
	// (no name, no dependencies): Python-version rules then stay quiet.
	HasProject bool
}

// loadManifest reads the project's manifest once; nil when there is none.
func loadManifest(p *project) (*manifest, error) {
	if p.manifestLoaded {
		return p.manifest, nil
	}
	p.manifestLoaded = true
	m, err := lock.LoadManifest(p.dir)
	if errors.Is(err, lock.ErrNoManifest) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.manifest, err = p.wrapManifest(m)
	return p.manifest, err
}

// wrapManifest reads m's file for suppressions and makes its paths
// relative to the project.
func (p *project) wrapManifest(m *lock.Manifest) (*manifest, error) {
	rel := p.rel(m.Path)
	if _, _, err := p.read(rel); err != nil {
		return nil, err
	}
	for i := range m.Requirements {
		if m.Requirements[i].File != "" {
			m.Requirements[i].File = p.rel(m.Requirements[i].File)
		}
	}
	return &manifest{Manifest: m, File: rel, HasProject: m.Name != "" || len(m.Requirements) > 0}, nil
}

// scriptManifest is the inline metadata (PEP 723) of the script a script
// lock locks, for the staleness rules; nil for any other lock.
func scriptManifest(p *project, lockPath string) (*manifest, error) {
	m, err := lock.ScriptManifest(lockPath)
	if errors.Is(err, lock.ErrNoManifest) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return p.wrapManifest(m)
}
