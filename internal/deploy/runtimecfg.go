package deploy

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// RuntimeConfig is pinwheel.yaml's runtime: section — how the release's
// replicas run on the target. Zero fields mean "not set": deploy's flags,
// then the defaults, decide.
//
//	runtime:
//	  replicas: 3            # replicas of the stable release (default 2)
//	  readinessPath: /ready  # GET must answer 2xx before a replica gets traffic (default /healthz)
//	  metrics:               # who answers the analysis's queries (see MetricsConfig)
//	    provider: prometheus
//	    url: http://127.0.0.1:9090
type RuntimeConfig struct {
	Replicas      int
	ReadinessPath string
	Metrics       MetricsConfig
}

// DecodeRuntime decodes the runtime: section n of the file at path. Unknown
// keys, duplicates and values of the wrong shape are *inputerr.Error at
// their line and column. A missing section (zero node) is the zero config.
func DecodeRuntime(n *yaml.Node, path string) (RuntimeConfig, error) {
	var rc RuntimeConfig
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == 0 || n.Tag == "!!null" {
		return rc, nil
	}
	if n.Kind != yaml.MappingNode {
		return rc, inputerr.At(path, n.Line, n.Column, "runtime: expected a mapping with keys metrics, readinessPath, replicas")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return rc, inputerr.At(path, k.Line, k.Column, "runtime: duplicate key %q", k.Value)
		}
		seen[k.Value] = true
		switch k.Value {
		case "replicas":
			r, err := strconv.Atoi(v.Value)
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || err != nil || r < 1 || r > 100 {
				return rc, inputerr.At(path, v.Line, v.Column, "runtime.replicas: expected a whole number from 1 to 100, got %q", v.Value)
			}
			rc.Replicas = r
		case "readinessPath":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!str" || !strings.HasPrefix(v.Value, "/") || strings.ContainsAny(v.Value, " \t\r\n") {
				return rc, inputerr.At(path, v.Line, v.Column, "runtime.readinessPath: expected an HTTP path starting with /, got %q", v.Value)
			}
			rc.ReadinessPath = v.Value
		case "metrics":
			m, err := decodeMetrics(v, path)
			if err != nil {
				return rc, err
			}
			rc.Metrics = m
		default:
			return rc, inputerr.At(path, k.Line, k.Column, "runtime: unknown key %q (expected one of: metrics, readinessPath, replicas)", k.Value)
		}
	}
	return rc, nil
}
