package wheel

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/pyindex"
)

// Source is where InstallLock gets verified files: *pyindex.Client.
type Source interface {
	Fetch(ctx context.Context, wants []pyindex.Want) ([]pyindex.Fetched, error)
	ListFiles(ctx context.Context, project string) ([]pyindex.File, error)
}

var _ Source = (*pyindex.Client)(nil)

type lockConfig struct {
	only    func(lock.Package) bool
	install []InstallOption
}

// LockOption configures InstallLock.
type LockOption func(*lockConfig)

// Only installs just the packages keep returns true for (e.g. leave out the
// "dev" group). Packages whose marker is false for the target, and uv's
// virtual project entry, are always left out.
func Only(keep func(lock.Package) bool) LockOption { return func(c *lockConfig) { c.only = keep } }

// WithInstallOptions passes options to every Install.
func WithInstallOptions(opts ...InstallOption) LockOption {
	return func(c *lockConfig) { c.install = append(c.install, opts...) }
}

// InstallLock installs the packages of l for target into dst: it selects one
// wheel per package (Select, or SelectListed for hash-only locks), fetches
// them all verified (in parallel), then installs them one by one in lock
// order. Paths in the lock are relative to the lock file's directory.
func InstallLock(ctx context.Context, l *lock.Lock, target pep.Target, src Source, dst Scheme, opts ...LockOption) ([]Installed, error) {
	cfg := lockConfig{only: func(lock.Package) bool { return true }}
	for _, o := range opts {
		o(&cfg)
	}
	env := pep.EnvironmentFor(target)
	var pkgs []lock.Package
	var wants []pyindex.Want
	for _, p := range l.Packages {
		if p.Source.Kind == lock.SourceVirtual || !cfg.only(p) {
			continue
		}
		if p.Marker != "" {
			m, err := pep.ParseMarker(p.Marker)
			if err != nil {
				return nil, fmt.Errorf("%s: marker %q: %w", p.Name, p.Marker, err)
			}
			ok, err := m.Evaluate(env)
			if err != nil {
				return nil, fmt.Errorf("%s: marker %q: %w", p.Name, p.Marker, err)
			}
			if !ok {
				continue
			}
		}
		a, err := selectFor(ctx, p, target, src)
		if err != nil {
			return nil, err
		}
		w := pyindex.Want{Package: p.Name, Version: p.Version, Filename: a.Name, URL: a.URL, Hashes: a.Hashes, Size: a.Size}
		if a.Path != "" {
			w.Path = a.Path
			if !filepath.IsAbs(a.Path) && l.Path != "" {
				w.Path = filepath.Join(filepath.Dir(l.Path), a.Path)
			}
		}
		pkgs = append(pkgs, p)
		wants = append(wants, w)
	}
	fetched, err := src.Fetch(ctx, wants)
	if err != nil {
		return nil, err
	}
	out := make([]Installed, 0, len(fetched))
	for i, f := range fetched {
		iopts := append([]InstallOption{WithFilename(f.Want.Filename), WithRequested(pkgs[i].Direct),
			WithPythonVersion(target.PythonVersion)}, cfg.install...)
		if pkgs[i].Source.Kind == lock.SourceURL && f.Want.URL != "" {
			iopts = append(iopts, WithDirectURL(f.Want.URL, f.SHA256))
		}
		inst, err := Install(ctx, f.Path, dst, iopts...)
		if err != nil {
			return nil, fmt.Errorf("install %s %s (%s): %w", pkgs[i].Name, pkgs[i].Version, f.Want.Filename, err)
		}
		out = append(out, inst)
	}
	return out, nil
}

func selectFor(ctx context.Context, p lock.Package, target pep.Target, src Source) (lock.Artifact, error) {
	a, err := Select(p, target)
	if !errors.Is(err, ErrHashOnly) {
		return a, err
	}
	files, err := src.ListFiles(ctx, p.Name)
	if err != nil {
		return lock.Artifact{}, fmt.Errorf("%s: list files: %w", p.Name, err)
	}
	listed := make([]Listed, 0, len(files))
	for _, f := range files {
		listed = append(listed, Listed{Filename: f.Filename, URL: f.URL, Hashes: f.Hashes})
	}
	return SelectListed(p, target, listed)
}
