package config

import (
	"errors"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Controller is the file `pinwheel controller --config` reads: the runtime:
// and notify: sections of pinwheel.yaml, applied to every Release the
// controller drives.
//
//	runtime:
//	  metrics:
//	    provider: prometheus
//	    url: http://prometheus.monitoring:9090
//	notify:
//	  webhooks:
//	    - url: https://hooks.example.com/pinwheel
//	      secretEnv: PINWHEEL_WEBHOOK_SECRET
//	  github:
//	    repo: acme/shop
type Controller struct {
	Path    string
	Runtime Runtime
	Notify  Notify
}

// LoadController reads the controller's file at path. Unknown keys and
// malformed values are *inputerr.Error at their line and column.
func LoadController(path string) (Controller, error) {
	cc := Controller{Path: path}
	b, err := os.ReadFile(path)
	if err != nil {
		return cc, &inputerr.Error{Msg: fmt.Sprintf("controller config: %v", err)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return cc, &inputerr.Error{Msg: fmt.Sprintf("%s: %v", path, err)}
		}
		return cc, &inputerr.Error{Msg: fmt.Sprintf("%s: expected YAML: %v", path, err)}
	}
	if len(doc.Content) == 0 {
		return cc, nil
	}
	d := walker{path: path}
	err = d.mapping(doc.Content[0], "controller config", fields{
		"runtime": func(_, v *yaml.Node) error {
			rc, err := decodeRuntime(v, path)
			cc.Runtime = rc
			return err
		},
		"notify": func(_, v *yaml.Node) error {
			nc, err := decodeNotify(v, path)
			cc.Notify = nc
			return err
		},
	})
	return cc, err
}
