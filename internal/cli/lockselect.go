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
	file := filepath.Join(dir, config.FileName)
	data, err := safefs.ReadFile(context.Background(), dir, file, 0)
	if errors.Is(err, os.ErrNotExist) {
		cfg := config.Defaults()
		cfg.Dir = dir
		return cfg.Select(l)
	}
	if err != nil {
		return nil, &inputerr.Error{Path: file, Msg: "cannot read", Err: err}
	}
	cfg, err := config.Parse(file, data) // groups: and extras: are all it needs
	if err != nil {
		return nil, err
	}
	cfg.Dir = dir
	return cfg.Select(l)
}
