package deploy

import (
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/notify"
)

// ControllerConfig is the file `pinwheel controller --config` reads
// (config.Controller: the runtime: and notify: sections of pinwheel.yaml),
// applied to every Release the controller drives.
type ControllerConfig struct {
	Path    string
	Runtime config.Runtime
	Notify  config.Notify
}

// LoadControllerConfig reads path. Unknown keys, malformed values and
// unknown event names are *inputerr.Error at their line and column.
func LoadControllerConfig(path string) (ControllerConfig, error) {
	cc := ControllerConfig{Path: path}
	c, err := config.LoadController(path)
	if err != nil {
		return cc, err
	}
	cc.Runtime, cc.Notify = c.Runtime, c.Notify
	return cc, notify.CheckEvents(c.Notify, path)
}
