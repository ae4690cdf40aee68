package promtest

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Revision names one revision's series: the labels service, namespace and
// revision that metrics.Prometheus's built-in queries select on.
type Revision struct {
	Service, Namespace, Revision string
}

// Traffic is the load a revision serves.
type Traffic struct {
	RPS        float64       // requests per second; 0 keeps the series without traffic
	ErrorRatio float64       // share of requests answered with code 500 (0..1)
	Latency    time.Duration // every request's duration
}

// Tick is how often the Exporter adds requests.
const Tick = 100 * time.Millisecond

// Exporter serves /metrics on 127.0.0.1 the way prometheus_client does for
// a Python service: http_requests_total{service,namespace,revision,code}
// and the histogram http_request_duration_seconds with the same labels
// (default buckets). Every Tick it counts RPS×elapsed requests per
// revision, a share ErrorRatio of them with code 500 (carrying fractions,
// so the ratio over any span is exact to one request) and the rest 200, and
// observes Latency for each. A scrape never sees a tick half applied.
// Safe for concurrent use.
type Exporter struct {
	URL  string // http://127.0.0.1:port (metrics at any path)
	Addr string // 127.0.0.1:port, a target for Start

	mu       sync.Mutex
	revs     map[Revision]*revState
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	srv      *httptest.Server
	stop     chan struct{}
	stopped  sync.WaitGroup
	closed   sync.Once
}

type revState struct {
	Traffic
	last             time.Time
	reqCarry         float64
	errCarry         float64
	requests, errors int64
}

var labels = []string{"service", "namespace", "revision", "code"}

// NewExporter starts an Exporter serving no revision yet; it stops when t
// ends.
func NewExporter(t testing.TB) *Exporter {
	t.Helper()
	e := &Exporter{
		revs: map[Revision]*revState{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total", Help: "Requests served.",
		}, labels),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_request_duration_seconds", Help: "Request duration.", Buckets: prometheus.DefBuckets,
		}, labels),
		stop: make(chan struct{}),
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(e.requests, e.latency)
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		metrics.ServeHTTP(w, r)
	}))
	e.URL = e.srv.URL
	e.Addr = strings.TrimPrefix(e.srv.URL, "http://")
	e.stopped.Add(1)
	go e.run()
	t.Cleanup(e.Close)
	return e
}

// Set starts (or changes) r's traffic from now on. The series with code
// 200 exist from the first Set, code 500 from the first error.
func (e *Exporter) Set(r Revision, tr Traffic) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.revs[r]
	if !ok {
		s = &revState{last: time.Now()}
		e.revs[r] = s
		e.requests.WithLabelValues(r.Service, r.Namespace, r.Revision, "200").Add(0)
		e.latency.WithLabelValues(r.Service, r.Namespace, r.Revision, "200")
	} else {
		e.advance(r, s, time.Now()) // the old traffic up to now
	}
	s.Traffic = tr
}

// Counts are r's requests and errors (code 500) so far.
func (e *Exporter) Counts(r Revision) (requests, errors int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s, ok := e.revs[r]; ok {
		return s.requests, s.errors
	}
	return 0, 0
}

// Close stops the traffic and the server.
func (e *Exporter) Close() {
	e.closed.Do(func() {
		close(e.stop)
		e.stopped.Wait()
		e.srv.Close()
	})
}

func (e *Exporter) run() {
	defer e.stopped.Done()
	tk := time.NewTicker(Tick)
	defer tk.Stop()
	for {
		select {
		case <-e.stop:
			return
		case now := <-tk.C:
			e.mu.Lock()
			for r, s := range e.revs {
				e.advance(r, s, now)
			}
			e.mu.Unlock()
		}
	}
}

// advance adds r's requests since s.last. e.mu is held.
func (e *Exporter) advance(r Revision, s *revState, now time.Time) {
	dt := now.Sub(s.last).Seconds()
	if dt <= 0 {
		return
	}
	s.last = now
	s.reqCarry += s.RPS * dt
	n := math.Floor(s.reqCarry)
	s.reqCarry -= n
	if n <= 0 {
		return
	}
	s.errCarry += n * min(max(s.ErrorRatio, 0), 1)
	failed := math.Floor(s.errCarry + 1e-9)
	s.errCarry = max(s.errCarry-failed, 0)
	s.requests += int64(n)
	s.errors += int64(failed)
	lat := s.Latency.Seconds()
	for code, k := range map[string]float64{"200": n - failed, "500": failed} {
		if k == 0 {
			continue
		}
		e.requests.WithLabelValues(r.Service, r.Namespace, r.Revision, code).Add(k)
		h := e.latency.WithLabelValues(r.Service, r.Namespace, r.Revision, code)
		for range int(k) {
			h.Observe(lat)
		}
	}
}
