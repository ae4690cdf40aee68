package metrics

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"text/template"

	"github.com/prometheus/common/model"
)

// PromTemplateData is what a Prometheus query template sees.
type PromTemplateData struct {
	Service   string
	Release   string
	Namespace string
	Start     string // Unix seconds
	End       string // Unix seconds
	Step      string // seconds
	// Window is the rate() range as a Prometheus duration, e.g. "1m".
	Window string
	// Selector is the label matchers for the service, release and namespace,
	// without braces: service="shop",revision="abc",namespace="prod". A
	// matcher whose value is empty is left out.
	Selector string
	Labels   PromLabels
	Metrics  PromMetrics
}

// The built-in PromQL templates. {{q x}} quotes x as a PromQL string.
const (
	promRequests = `sum(rate({{.Metrics.Requests}}{ {{- .Selector -}} }[{{.Window}}]))`
	promErrors   = `sum(rate({{.Metrics.Requests}}{ {{- .Selector}}{{if .Selector}},{{end}}{{.Labels.Code}}=~{{q .Metrics.ErrorCodes -}} }[{{.Window}}]))`
	// An error series that does not exist yet means no errors, hence
	// "or vector(0)"; no requests at all leaves the ratio empty or NaN.
	promErrorRate = `(` + promErrors + ` or vector(0)) / ` + promRequests
	promQuantile  = `histogram_quantile(%s, sum by (le) (rate({{.Metrics.Latency}}_bucket{ {{- .Selector -}} }[{{.Window}}])))`
	promMean      = `sum(rate({{.Metrics.Latency}}_sum{ {{- .Selector -}} }[{{.Window}}])) / sum(rate({{.Metrics.Latency}}_count{ {{- .Selector -}} }[{{.Window}}]))`
)

var promBuiltins = map[string]string{
	ErrorRate:   promErrorRate,
	SuccessRate: `1 - (` + promErrorRate + `)`,
	RequestRate: promRequests,
	LatencyP50:  fmt.Sprintf(promQuantile, "0.5"),
	LatencyP95:  fmt.Sprintf(promQuantile, "0.95"),
	LatencyP99:  fmt.Sprintf(promQuantile, "0.99"),
	LatencyMean: promMean,
}

// PrometheusQueries returns the built-in query names and their PromQL
// templates (before WithPromQuery overrides).
func PrometheusQueries() map[string]string { return maps.Clone(promBuiltins) }

var promFuncs = template.FuncMap{"q": strconv.Quote}

// Resolve returns the PromQL the provider runs for q: the built-in or
// overridden template named q.Expr, or q.Expr itself as a template.
func (p *Prometheus) Resolve(q Query) (string, error) {
	src, ok := p.overrides[q.Expr]
	if !ok {
		src, ok = promBuiltins[q.Expr]
	}
	if !ok {
		src = q.Expr
	}
	if strings.TrimSpace(src) == "" {
		return "", fmt.Errorf("prometheus query: expected a built-in name (%s) or a PromQL expression, got an empty query", strings.Join(Builtins(), ", "))
	}
	t, err := template.New("query").Option("missingkey=error").Funcs(promFuncs).Parse(src)
	if err != nil {
		return "", fmt.Errorf("prometheus query template %q: %w", src, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, p.templateData(q)); err != nil {
		return "", fmt.Errorf("prometheus query template %q: %w", src, err)
	}
	return b.String(), nil
}

func (p *Prometheus) templateData(q Query) PromTemplateData {
	var sel []string
	for _, m := range [][2]string{
		{p.labels.Service, q.Service},
		{p.labels.Release, q.Release},
		{p.labels.Namespace, p.namespace},
	} {
		if m[0] != "" && m[1] != "" {
			sel = append(sel, m[0]+"="+strconv.Quote(m[1]))
		}
	}
	return PromTemplateData{
		Service:   q.Service,
		Release:   q.Release,
		Namespace: p.namespace,
		Start:     strconv.FormatInt(q.Start.Unix(), 10),
		End:       strconv.FormatInt(q.End.Unix(), 10),
		Step:      strconv.FormatFloat(stepOf(q).Seconds(), 'f', -1, 64),
		Window:    model.Duration(p.window).String(),
		Selector:  strings.Join(sel, ","),
		Labels:    p.labels,
		Metrics:   p.metrics,
	}
}
