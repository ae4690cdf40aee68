package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// selectForProject is the selection pinwheel build makes from l: the
// production set plus the groups: and extras: of the pinwheel.yaml in the
// project at path (a project directory, or a lockfile inside one), when
// there is one.
func selectForProject(path string, l *lock.Lock) (*lock.Selection, error) {
	dir := path
	if info, err := os.Stat(path); err == nil && !info.IsDir() {
		dir = filepath.Dir(path)
	}
	cfg, err := projectYAML(dir)
	if err != nil {
		return nil, err
	}
	return cfg.Select(l)
}

// projectYAML is dir's pinwheel.yaml, parsed but not validated (groups:,
// extras: and lockfile: are all the lock commands need), or the defaults
// when there is none.
func projectYAML(dir string) (*config.Config, error) {
	file := filepath.Join(dir, config.FileName)
	data, err := safefs.ReadFile(context.Background(), dir, file, 0)
	cfg := config.Defaults()
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, &inputerr.Error{Path: file, Msg: "cannot read", Err: err}
	default:
		if cfg, err = config.Parse(file, data); err != nil {
			return nil, err
		}
	}
	cfg.Dir = dir
	return cfg, nil
}

// detectLock is lock.Detect, and for a project directory whose lock is
// elsewhere (a uv workspace member's, lockfile: ../../uv.lock), the
// lockfile its pinwheel.yaml names.
func detectLock(path string) (string, error) {
	file, err := lock.Detect(path)
	if !errors.Is(err, lock.ErrNoLockfile) {
		return file, err
	}
	cfg, cerr := projectYAML(path)
	if cerr != nil || cfg.Lockfile == "" {
		return file, err
	}
	return filepath.Join(path, cfg.Lockfile), nil
}
