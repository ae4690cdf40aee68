package local

import "time"

// seriesKey names the Prometheus series of a successful request.
type seriesKey struct {
	release string
	code    int
}

// promSeries are the collectors a successful request updates, looked up
// once per release and code instead of hashing label values per request.
type promSeries struct {
	requests interface{ Inc() }
	latency  interface{ Observe(float64) }
}

// observe updates the Prometheus collectors for one request; failures go
// through proxyMetrics.observe, which also classifies them.
func (p *proxy) observe(relID string, code int, err error, latency time.Duration) {
	if err != nil || code >= 500 {
		p.s.rt.prom.observe(p.s.name, relID, code, err, latency)
		return
	}
	k := seriesKey{relID, code}
	v, ok := p.series.Load(k)
	if !ok {
		m := p.s.rt.prom
		v, _ = p.series.LoadOrStore(k, &promSeries{
			requests: m.requests.WithLabelValues(p.s.name, relID, codeLabel(code)),
			latency:  m.latency.WithLabelValues(p.s.name, relID),
		})
	}
	s := v.(*promSeries)
	s.requests.Inc()
	s.latency.Observe(latency.Seconds())
}
