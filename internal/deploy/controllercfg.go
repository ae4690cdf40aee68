package deploy

import (
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/notify"
)

// ControllerConfig is the file `pinwheel controller --config` reads
// (config.Controller: the runtime: and notify: sections of pinwheel.yaml),
// built into what the controller applies to every Release it drives.
type ControllerConfig struct {
	Path    string
	Runtime RuntimeConfig
	Notify  notify.Config
}

// LoadControllerConfig reads path. Unknown keys and malformed values are
// *inputerr.Error at their line and column.
func LoadControllerConfig(path string) (ControllerConfig, error) {
	cc := ControllerConfig{Path: path}
	c, err := config.LoadController(path)
	if err != nil {
		return cc, err
	}
	cc.Runtime = runtimeConfig(c.Runtime)
	cc.Notify, err = notify.FromSection(c.Notify, path)
	return cc, err
}
