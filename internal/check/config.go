package check

import (
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/config"
)

// projectConfig is the project's pinwheel.yaml, or the defaults when it
// has none.
func projectConfig(p *project) (*config.Config, error) {
	cfg := config.Defaults()
	data, ok, err := p.read(config.FileName)
	if err != nil {
		return nil, err
	}
	if ok {
		if cfg, err = config.Parse(filepath.Join(p.dir, config.FileName), data); err != nil {
			return nil, err
		}
	}
	cfg.Dir = p.dir
	return cfg, nil
}
