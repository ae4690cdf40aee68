package deploy

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/yamlnode"
)

// Metrics providers pinwheel.yaml's runtime.metrics.provider may name.
const (
	MetricsLocal      = "local"      // the local proxy's own numbers (default)
	MetricsPrometheus = "prometheus" // a Prometheus server's HTTP API
	MetricsHTTPJSON   = "httpjson"   // check queries are URLs answering JSON numbers
)

// MetricsConfig is the runtime.metrics: block — which provider answers the
// rollout analysis's queries. The zero value means the target's own
// provider (the local proxy).
//
//	runtime:
//	  metrics:
//	    provider: prometheus        # local (default) | prometheus | httpjson
//	    url: http://127.0.0.1:9090  # prometheus only
//	    namespace: shop-prod        # prometheus only: {{.Namespace}} and the selector
//	    labels: {service: job, release: version}  # prometheus only: label names
//	    timeout: 5s                 # per query (default 10s)
type MetricsConfig struct {
	Provider  string
	URL       string
	Namespace string
	Labels    metrics.PromLabels
	Timeout   time.Duration
}

// DefaultMetricsTimeout bounds one query to a configured provider.
const DefaultMetricsTimeout = 10 * time.Second

// NewProvider builds the configured provider, or returns nil when the
// target's own provider should answer (provider local or unset).
func (m MetricsConfig) NewProvider() (metrics.Provider, error) {
	timeout := m.Timeout
	if timeout == 0 {
		timeout = DefaultMetricsTimeout
	}
	switch m.Provider {
	case MetricsPrometheus:
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.ResponseHeaderTimeout = timeout
		return metrics.NewPrometheus(m.URL, metrics.WithPromLabels(m.Labels),
			metrics.WithPromNamespace(m.Namespace), metrics.WithPromRoundTripper(tr))
	case MetricsHTTPJSON:
		return metrics.NewHTTPJSON(metrics.WithHTTPClient(&http.Client{Timeout: timeout})), nil
	}
	return nil, nil
}

// decodeMetrics decodes the runtime.metrics: block n. Every problem is an
// *inputerr.Error at the offending key or value.
func decodeMetrics(n *yaml.Node, path string) (MetricsConfig, error) {
	var m MetricsConfig
	if yamlnode.IsNull(n) {
		return m, nil
	}
	d := yamlnode.Decoder{Path: path}
	var providerNode, urlNode *yaml.Node
	var promOnly []*yaml.Node
	err := d.Mapping(n, "runtime.metrics", yamlnode.Fields{
		"provider": func(_, v *yaml.Node) error {
			if !yamlnode.IsString(v) || v.Value != MetricsLocal && v.Value != MetricsPrometheus && v.Value != MetricsHTTPJSON {
				return d.At(v, "runtime.metrics.provider: expected local, prometheus or httpjson, got %q", v.Value)
			}
			m.Provider, providerNode = v.Value, v
			return nil
		},
		"url": func(k, v *yaml.Node) error {
			u, err := url.Parse(v.Value)
			if !yamlnode.IsString(v) || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return d.At(v, "runtime.metrics.url: expected an http:// or https:// URL with a host, got %q", v.Value)
			}
			m.URL, urlNode = v.Value, k
			return nil
		},
		"namespace": func(k, v *yaml.Node) error {
			if !yamlnode.IsString(v) || strings.ContainsAny(v.Value, "\"\\\n") {
				return d.At(v, "runtime.metrics.namespace: expected a Kubernetes namespace name, got %q", v.Value)
			}
			m.Namespace = v.Value
			promOnly = append(promOnly, k)
			return nil
		},
		"labels": func(k, v *yaml.Node) error {
			l, err := decodePromLabels(v, path)
			m.Labels = l
			promOnly = append(promOnly, k)
			return err
		},
		"timeout": func(_, v *yaml.Node) error {
			t, err := time.ParseDuration(v.Value)
			if !yamlnode.IsString(v) || err != nil || t <= 0 || t > 5*time.Minute {
				return d.At(v, "runtime.metrics.timeout: expected a duration such as 5s, at most 5m, got %q", v.Value)
			}
			m.Timeout = t
			return nil
		},
	})
	if err != nil {
		return m, err
	}
	return m, checkMetricsKeys(m, n, providerNode, urlNode, promOnly, path)
}

// checkMetricsKeys says which keys the chosen provider needs or ignores.
func checkMetricsKeys(m MetricsConfig, block, providerNode, urlNode *yaml.Node, promOnly []*yaml.Node, path string) error {
	switch {
	case m.Provider == MetricsPrometheus && m.URL == "":
		return inputerr.At(path, providerNode.Line, providerNode.Column, "runtime.metrics: provider prometheus needs url: the Prometheus server, e.g. http://127.0.0.1:9090")
	case providerNode == nil && len(block.Content) > 0:
		return inputerr.At(path, block.Line, block.Column, "runtime.metrics: provider is missing (expected local, prometheus or httpjson)")
	case m.Provider != MetricsPrometheus && urlNode != nil:
		return inputerr.At(path, urlNode.Line, urlNode.Column, "runtime.metrics.url: only provider prometheus uses url (httpjson checks give full URLs as their query)")
	case m.Provider != MetricsPrometheus && len(promOnly) > 0:
		return inputerr.At(path, promOnly[0].Line, promOnly[0].Column, "runtime.metrics.%s: only provider prometheus uses it", promOnly[0].Value)
	}
	return nil
}

func decodePromLabels(n *yaml.Node, path string) (metrics.PromLabels, error) {
	var l metrics.PromLabels
	d := yamlnode.Decoder{Path: path}
	label := func(dst *string) func(k, v *yaml.Node) error {
		return func(k, v *yaml.Node) error {
			if !yamlnode.IsString(v) || !isLabelName(v.Value) && !(k.Value == "namespace" && v.Value == "-") {
				return d.At(v, "runtime.metrics.labels.%s: expected a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*), got %q", k.Value, v.Value)
			}
			*dst = v.Value
			return nil
		}
	}
	err := d.Mapping(n, "runtime.metrics.labels", yamlnode.Fields{
		"service": label(&l.Service), "release": label(&l.Release), "namespace": label(&l.Namespace), "code": label(&l.Code),
	})
	return l, err
}

func isLabelName(s string) bool {
	for i, r := range s {
		if r != '_' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return s != ""
}

// checkQueries says, at the check's query line in the rollout: section
// node, which check queries the configured provider cannot answer: with
// httpjson every query is an http(s) URL template.
func checkQueries(m MetricsConfig, spec rollout.Spec, rolloutNode *yaml.Node, path string) error {
	if m.Provider != MetricsHTTPJSON {
		return nil
	}
	for i, c := range spec.Checks {
		if strings.HasPrefix(c.Query, "http://") || strings.HasPrefix(c.Query, "https://") {
			continue
		}
		line, col := queryPosition(rolloutNode, i)
		return inputerr.At(path, line, col, "rollout.checks[%d] (%s): query %q: runtime.metrics.provider httpjson needs an http:// or https:// URL template, e.g. http://127.0.0.1:9100/errors?release={{.Release}}", i, c.Name, c.Query)
	}
	return nil
}

// queryPosition is where rollout.checks[i].query is written, else where
// the rollout: section starts.
func queryPosition(n *yaml.Node, i int) (int, int) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if checks := mappingValue(n, "checks"); checks != nil && checks.Kind == yaml.SequenceNode && i < len(checks.Content) {
		if q := mappingValue(checks.Content[i], "query"); q != nil {
			return q.Line, q.Column
		}
		return checks.Content[i].Line, checks.Content[i].Column
	}
	return n.Line, n.Column
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
