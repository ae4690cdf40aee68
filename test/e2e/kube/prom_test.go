package kubee2e

import (
	"context"
	"fmt"
	"math"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/promtest"
)

// prom is a real Prometheus scraping an Exporter that publishes the shop
// service's request metrics per revision in the rig's namespace.
type prom struct {
	exp      *promtest.Exporter
	srv      *promtest.Server
	provider *metrics.Prometheus
}

// startPrometheus publishes traffic (revision -> load) and waits until
// Prometheus answers the built-in error_rate query for every revision.
func (r *rig) startPrometheus(traffic map[string]promtest.Traffic) *prom {
	r.t.Helper()
	p := &prom{exp: promtest.NewExporter(r.t)}
	for rev, tr := range traffic {
		p.exp.Set(r.revision(rev), tr)
	}
	p.srv = promtest.Start(r.t, p.exp.Addr)
	var err error
	if p.provider, err = metrics.NewPrometheus(p.srv.URL, metrics.WithPromNamespace(r.Namespace)); err != nil {
		r.t.Fatal(err)
	}
	for rev := range traffic {
		kubetest.Eventually(r.t, "prometheus has "+rev, func() (bool, string) {
			v, err := p.errorRate(rev)
			return err == nil, fmt.Sprint(v, err)
		})
	}
	return p
}

func (r *rig) revision(rev string) promtest.Revision {
	return promtest.Revision{Service: "shop", Namespace: r.Namespace, Revision: rev}
}

// errorRate asks Prometheus for the revision's error_rate now, as the
// controller's analysis does.
func (p *prom) errorRate(rev string) (float64, error) {
	s, err := p.provider.Query(context.Background(), metrics.Query{Expr: metrics.ErrorRate, Service: "shop", Release: rev, End: time.Now()})
	if err != nil {
		return 0, err
	}
	if len(s) == 0 {
		return 0, fmt.Errorf("no samples for %s", rev)
	}
	return s[len(s)-1].Value, nil
}

// load is steady traffic with the given error ratio.
func load(errorRatio float64) promtest.Traffic {
	return promtest.Traffic{RPS: 50, ErrorRatio: errorRatio, Latency: 20 * time.Millisecond}
}

// analysisStrategy: 25 % of traffic, an analysis step judging the built-in
// error_rate (at most 5 %) in samples rounds 2 s apart, then 50 %.
func analysisStrategy(samples int32) v1alpha1.Strategy {
	return v1alpha1.Strategy{
		Steps: []v1alpha1.Step{weight(25),
			{Analysis: &v1alpha1.AnalysisStep{Checks: []string{"error-rate"}, Samples: samples}},
			weight(50)},
		Checks: []v1alpha1.Check{{Name: "error-rate", Kind: "threshold", Query: metrics.ErrorRate, Max: ptr.To(0.05)}},
		Analysis: v1alpha1.AnalysisSettings{Interval: &metav1.Duration{Duration: 2 * time.Second},
			Warmup: &metav1.Duration{Duration: 3 * time.Second}},
	}
}

func near(got, want float64) bool { return math.Abs(got-want) < 0.02 }
