package metrics

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// revisionTraffic is what the test exporter adds per scrape for one revision.
type revisionTraffic struct {
	service, revision string
	requests, failed  int
	latency           float64 // seconds, every request
}

// newTestExporter serves client_golang metrics shaped like a Python
// service's prometheus_client output. Every scrape first advances each
// revision's counters by one tick, so the ratios Prometheus computes are
// exactly the injected ones whatever the scrape timing.
func newTestExporter(t testing.TB, traffic []revisionTraffic) *httptest.Server {
	t.Helper()
	reg := prometheus.NewRegistry()
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "http_requests_total", Help: "Requests served.",
	}, []string{"service", "revision", "code"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "http_request_duration_seconds", Help: "Request latency.", Buckets: prometheus.DefBuckets,
	}, []string{"service", "revision"})
	reg.MustRegister(requests, latency)
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		for _, tr := range traffic {
			requests.WithLabelValues(tr.service, tr.revision, "200").Add(float64(tr.requests - tr.failed))
			if tr.failed > 0 {
				requests.WithLabelValues(tr.service, tr.revision, "500").Add(float64(tr.failed))
			}
			for range tr.requests {
				latency.WithLabelValues(tr.service, tr.revision).Observe(tr.latency)
			}
		}
		metrics.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// promServer is a real prometheus process on 127.0.0.1.
type promServer struct {
	URL  string
	cmd  *exec.Cmd
	done chan error
}

// startPrometheus runs the machine's prometheus scraping target every
// second, with its own config and storage under t.TempDir(). Without the
// binary the test fails as root (CI, where scripts/setup.sh installs it)
// and is skipped otherwise.
func startPrometheus(t testing.TB, target string) *promServer {
	t.Helper()
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		if os.Geteuid() == 0 {
			t.Fatalf("prometheus is not installed: run scripts/setup.sh (apt-get install prometheus)")
		}
		t.Skip("prometheus is not installed and not root: install Debian's prometheus package to run this test")
	}
	dir := t.TempDir()
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: app
    static_configs:
      - targets: [%q]
`, target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ps := &promServer{URL: "http://" + addr, cmd: cmd, done: make(chan error, 1)}
	go func() { ps.done <- cmd.Wait(); logf.Close() }()
	t.Cleanup(func() {
		ps.Stop()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "prometheus.log"))
			t.Logf("prometheus log:\n%s", b)
		}
	})
	waitFor(t, 60*time.Second, "prometheus ready", func() bool {
		resp, err := http.Get(ps.URL + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return ps
}

// Stop ends the process (SIGTERM, then SIGKILL) and waits for it.
func (ps *promServer) Stop() {
	if ps.cmd.ProcessState != nil {
		return
	}
	_ = ps.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-ps.done:
	case <-time.After(15 * time.Second):
		_ = ps.cmd.Process.Kill()
		<-ps.done
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitFor(t testing.TB, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %s", what, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func near(got, want float64) bool { return math.Abs(got-want) < 0.005 }

func TestPrometheusProviderAgainstRealServer(t *testing.T) {
	exp := newTestExporter(t, []revisionTraffic{
		{service: "shop", revision: "stable", requests: 10, failed: 0, latency: 0.02},
		{service: "shop", revision: "canary", requests: 10, failed: 2, latency: 0.4},
		{service: "shop", revision: "idle", requests: 0},
	})
	ps := startPrometheus(t, strings.TrimPrefix(exp.URL, "http://"))
	p, err := NewPrometheus(ps.URL, WithRateWindow(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	instant := func(rev, expr string) Query {
		return Query{Expr: expr, Service: "shop", Release: rev, End: time.Now()}
	}
	// Enough scrapes that the 5 s window holds several.
	waitFor(t, 60*time.Second, "six scrapes of the canary", func() bool {
		s, err := p.Query(ctx, Query{Expr: `count_over_time(http_requests_total{revision="canary",code="500"}[10s])`, End: time.Now()})
		return err == nil && len(s) == 1 && s[0].Value >= 6
	})

	t.Run("canary_error_rate_is_injected_ratio", func(t *testing.T) {
		s, err := p.Query(ctx, instant("canary", ErrorRate))
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 1 || !near(s[0].Value, 0.2) {
			t.Fatalf("canary error_rate = %v, want one sample ≈ 0.2", s)
		}
	})
	t.Run("stable_error_rate_is_zero", func(t *testing.T) {
		s, err := p.Query(ctx, instant("stable", ErrorRate))
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 1 || s[0].Value != 0 {
			t.Fatalf("stable error_rate = %v, want one sample of 0", s)
		}
	})
	t.Run("range_query_gives_a_sample_per_step", func(t *testing.T) {
		end := time.Now()
		s, err := p.Query(ctx, Query{Expr: SuccessRate, Service: "shop", Release: "canary",
			Start: end.Add(-3 * time.Second), End: end, Step: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if len(s) < 3 {
			t.Fatalf("range success_rate = %v, want at least 3 samples", s)
		}
		for i, x := range s {
			if !near(x.Value, 0.8) || (i > 0 && !x.Time.After(s[i-1].Time)) {
				t.Fatalf("range success_rate = %v, want ≈ 0.8 each, oldest first", s)
			}
		}
	})
	t.Run("latency_p99_tells_revisions_apart", func(t *testing.T) {
		st, err1 := p.Query(ctx, instant("stable", LatencyP99))
		ca, err2 := p.Query(ctx, instant("canary", LatencyP99))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		// Observations fall in the (0.01, 0.025] and (0.25, 0.5] buckets.
		if len(st) != 1 || st[0].Value <= 0.01 || st[0].Value > 0.025 {
			t.Errorf("stable latency_p99 = %v, want in (0.01, 0.025]", st)
		}
		if len(ca) != 1 || ca[0].Value <= 0.25 || ca[0].Value > 0.5 {
			t.Errorf("canary latency_p99 = %v, want in (0.25, 0.5]", ca)
		}
	})
	t.Run("latency_mean_and_request_rate", func(t *testing.T) {
		m, err := p.Query(ctx, instant("canary", LatencyMean))
		if err != nil || len(m) != 1 || !near(m[0].Value, 0.4) {
			t.Fatalf("canary latency_mean = %v, %v; want ≈ 0.4", m, err)
		}
		r, err := p.Query(ctx, instant("canary", RequestRate))
		if err != nil || len(r) != 1 || r[0].Value <= 0 {
			t.Fatalf("canary request_rate = %v, %v; want > 0", r, err)
		}
	})
	t.Run("unknown_revision_has_no_samples", func(t *testing.T) {
		for _, expr := range []string{ErrorRate, LatencyP99, RequestRate} {
			s, err := p.Query(ctx, instant("nope", expr))
			if err != nil || len(s) != 0 {
				t.Fatalf("%s for an unknown revision = %v, %v; want no samples, no error", expr, s, err)
			}
		}
	})
	t.Run("idle_revision_ratio_is_nan_so_no_samples", func(t *testing.T) {
		r, err := p.Query(ctx, instant("idle", RequestRate))
		if err != nil || len(r) != 1 || r[0].Value != 0 {
			t.Fatalf("idle request_rate = %v, %v; want one sample of 0 (the series exists)", r, err)
		}
		s, err := p.Query(ctx, instant("idle", ErrorRate))
		if err != nil || len(s) != 0 {
			t.Fatalf("idle error_rate = %v, %v; want no samples (0/0 is NaN)", s, err)
		}
	})
	t.Run("rejected_promql_is_an_error", func(t *testing.T) {
		_, err := p.Query(ctx, instant("canary", "sum(rate(x[5s]"))
		if err == nil || !strings.Contains(err.Error(), "bad_data") {
			t.Fatalf("error = %v, want Prometheus's bad_data", err)
		}
	})
	t.Run("many_series_is_an_error", func(t *testing.T) {
		_, err := p.Query(ctx, instant("canary", "http_requests_total"))
		if err == nil || !strings.Contains(err.Error(), "expected one series") {
			t.Fatalf("error = %v, want 'expected one series'", err)
		}
	})
	t.Run("stopped_prometheus_is_an_error", func(t *testing.T) {
		ps.Stop()
		_, err := p.Query(ctx, instant("canary", ErrorRate))
		if err == nil || !strings.Contains(err.Error(), "unreachable") {
			t.Fatalf("error = %v, want unreachable", err)
		}
	})
}
