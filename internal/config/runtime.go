package config

import (
	"maps"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Runtime is pinwheel.yaml's runtime: section — how the release's replicas
// run on the target. Zero fields mean "not set": deploy's flags, then the
// defaults, decide.
//
//	runtime:
//	  replicas: 3            # replicas of the stable release (default 2)
//	  readinessPath: /ready  # GET must answer 2xx before a replica gets traffic (default /healthz)
//	  metrics:               # who answers the analysis's queries (see Metrics)
//	    provider: prometheus
//	    url: http://127.0.0.1:9090
//	  memory: 256Mi          # each local container replica's cgroup limits (see Limits)
//	  cpus: 0.5
//	  pids: 128
type Runtime struct {
	Replicas      int
	ReadinessPath string
	Metrics       Metrics
	Limits        Limits
}

// decodeRuntime decodes the runtime: section n of the file at path. Unknown
// keys, duplicates and values of the wrong shape are *inputerr.Error at
// their line and column. A missing section (zero node) is the zero Runtime.
func decodeRuntime(n *yaml.Node, path string) (Runtime, error) {
	var rc Runtime
	if isNull(n) {
		return rc, nil
	}
	d := walker{path: path}
	fs := d.limitFields(&rc.Limits)
	maps.Copy(fs, fields{
		"replicas": func(_, v *yaml.Node) error {
			r, err := strconv.Atoi(v.Value)
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || err != nil || r < 1 || r > 100 {
				return d.at(v, "runtime.replicas: expected a whole number from 1 to 100, got %q", v.Value)
			}
			rc.Replicas = r
			return nil
		},
		"readinessPath": func(_, v *yaml.Node) error {
			if !isString(v) || !strings.HasPrefix(v.Value, "/") || strings.ContainsAny(v.Value, " \t\r\n") {
				return d.at(v, "runtime.readinessPath: expected an HTTP path starting with /, got %q", v.Value)
			}
			rc.ReadinessPath = v.Value
			return nil
		},
		"metrics": func(_, v *yaml.Node) error {
			m, err := decodeMetrics(v, path)
			rc.Metrics = m
			return err
		},
	})
	err := d.mapping(n, "runtime", fs)
	return rc, err
}
