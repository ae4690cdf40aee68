package config

import (
	"net/url"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Metrics providers runtime.metrics.provider may name.
const (
	MetricsLocal      = "local"      // the local proxy's own numbers (default)
	MetricsPrometheus = "prometheus" // a Prometheus server's HTTP API
	MetricsHTTPJSON   = "httpjson"   // check queries are URLs answering JSON numbers
)

// Metrics is the runtime.metrics: block — which provider answers the
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
type Metrics struct {
	Provider  string
	URL       string
	Namespace string
	Labels    MetricsLabels
	Timeout   time.Duration
}

// MetricsLabels are the Prometheus label names runtime.metrics.labels
// renames; empty fields keep the provider's defaults. The fields are those
// of metrics.PromLabels, so one converts to the other.
type MetricsLabels struct {
	Service   string
	Release   string
	Namespace string
	Code      string
}

// decodeMetrics decodes the runtime.metrics: block n. Every problem is an
// *inputerr.Error at the offending key or value.
func decodeMetrics(n *yaml.Node, path string) (Metrics, error) {
	var m Metrics
	if isNull(n) {
		return m, nil
	}
	d := walker{path: path}
	var providerNode, urlNode *yaml.Node
	var promOnly []*yaml.Node
	err := d.mapping(n, "runtime.metrics", fields{
		"provider": func(_, v *yaml.Node) error {
			if !isString(v) || v.Value != MetricsLocal && v.Value != MetricsPrometheus && v.Value != MetricsHTTPJSON {
				return d.at(v, "runtime.metrics.provider: expected local, prometheus or httpjson, got %q", v.Value)
			}
			m.Provider, providerNode = v.Value, v
			return nil
		},
		"url": func(k, v *yaml.Node) error {
			u, err := url.Parse(v.Value)
			if !isString(v) || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return d.at(v, "runtime.metrics.url: expected an http:// or https:// URL with a host, got %q", v.Value)
			}
			m.URL, urlNode = v.Value, k
			return nil
		},
		"namespace": func(k, v *yaml.Node) error {
			if !isString(v) || strings.ContainsAny(v.Value, "\"\\\n") {
				return d.at(v, "runtime.metrics.namespace: expected a Kubernetes namespace name, got %q", v.Value)
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
			if !isString(v) || err != nil || t <= 0 || t > 5*time.Minute {
				return d.at(v, "runtime.metrics.timeout: expected a duration such as 5s, at most 5m, got %q", v.Value)
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
func checkMetricsKeys(m Metrics, block, providerNode, urlNode *yaml.Node, promOnly []*yaml.Node, path string) error {
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

func decodePromLabels(n *yaml.Node, path string) (MetricsLabels, error) {
	var l MetricsLabels
	d := walker{path: path}
	label := func(dst *string) func(k, v *yaml.Node) error {
		return func(k, v *yaml.Node) error {
			if !isString(v) || !isLabelName(v.Value) && !(k.Value == "namespace" && v.Value == "-") {
				return d.at(v, "runtime.metrics.labels.%s: expected a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*), got %q", k.Value, v.Value)
			}
			*dst = v.Value
			return nil
		}
	}
	err := d.mapping(n, "runtime.metrics.labels", fields{
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
