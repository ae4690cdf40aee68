package local

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/runtime"
)

func TestWeightsSplitTraffic(t *testing.T) {
	rt := newTestRuntime(t)
	for _, w := range []int{0, 20, 50, 100} {
		t.Run(fmt.Sprintf("weight_%d", w), func(t *testing.T) {
			apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Canary: srcRelease("v2"), CanaryWeight: w, Replicas: 2, CanaryReplicas: 1})
			o := waitConverged(t, rt)
			if o.CanaryWeight != w {
				t.Fatalf("weight in effect %d, want %d", o.CanaryWeight, w)
			}
			const n = 300
			var canary atomic.Int64
			var wg sync.WaitGroup
			for g := 0; g < 4; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < n/4; i++ {
						a := get(o.Endpoint + "/")
						if a.code != 200 {
							t.Errorf("answer %v", a)
						}
						if a.release == "v2" {
							canary.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			p := float64(w) / 100
			// generous binomial bound: 5 standard deviations, plus one
			tol := 5*math.Sqrt(n*p*(1-p)) + 1
			if got := float64(canary.Load()); math.Abs(got-n*p) > tol {
				t.Errorf("canary got %v of %d requests, want %v ± %.1f", got, n, n*p, tol)
			}
		})
	}
}

// loadGen sends GETs from several goroutines until stopped and classifies answers.
type loadGen struct {
	url     string
	stop    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	total   int
	byRel   map[string]int
	badOK   []string // failures not allowed
	allowed int      // failures from the release allowed to fail
}

func startLoad(url, mayFail string, workers int) *loadGen {
	return startLoadMethod(http.MethodGet, url, mayFail, workers)
}

func startLoadMethod(method, url, mayFail string, workers int) *loadGen {
	g := &loadGen{url: url, stop: make(chan struct{}), byRel: map[string]int{}}
	for i := 0; i < workers; i++ {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			for {
				select {
				case <-g.stop:
					return
				default:
				}
				a := send(method, url+"/")
				g.mu.Lock()
				g.total++
				g.byRel[a.release]++
				switch {
				case a.err == nil && a.code == 200:
				case a.err == nil && a.code == 500 && a.release == mayFail && mayFail != "":
					g.allowed++
				default:
					g.badOK = append(g.badOK, a.String())
				}
				g.mu.Unlock()
			}
		}()
	}
	return g
}

func (g *loadGen) finish() { close(g.stop); g.wg.Wait() }

// Under steady load, weight changes, a promotion, a standby scale-down, a
// bad canary and its rollback cause no failed request except those the bad
// release itself returns.
func TestNoFailedRequestsAcrossRollout(t *testing.T) {
	rt := newTestRuntime(t)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Replicas: 2})
	url := waitConverged(t, rt).Endpoint
	load := startLoad(url, "v3", 4)
	steps := []runtime.Desired{
		{Stable: srcRelease("v1"), Canary: srcRelease("v2"), CanaryWeight: 0, Replicas: 2, CanaryReplicas: 1},
		{Stable: srcRelease("v1"), Canary: srcRelease("v2"), CanaryWeight: 20, Replicas: 2, CanaryReplicas: 1},
		{Stable: srcRelease("v1"), Canary: srcRelease("v2"), CanaryWeight: 50, Replicas: 2, CanaryReplicas: 1},
		{Stable: srcRelease("v2"), Standby: []runtime.Release{*srcRelease("v1")}, Replicas: 2}, // promote
		{Stable: srcRelease("v2"), Replicas: 2}, // scale down old stable
		{Stable: srcRelease("v2"), Canary: srcRelease("v3", "ERROR_RATE", "0.5"), CanaryWeight: 50, Replicas: 2, CanaryReplicas: 1},
		{Stable: srcRelease("v2"), Replicas: 2}, // rollback
	}
	for _, d := range steps {
		apply(t, rt, d)
		waitConverged(t, rt)
		time.Sleep(300 * time.Millisecond) // let traffic flow in each state (not an assertion)
	}
	load.finish()
	t.Logf("requests %d by release %v, allowed failures %d", load.total, load.byRel, load.allowed)
	if len(load.badOK) > 0 {
		t.Fatalf("%d requests failed outside the bad release, e.g. %v", len(load.badOK), load.badOK[:min(5, len(load.badOK))])
	}
	for _, rel := range []string{"v1", "v2", "v3"} {
		if load.byRel[rel] == 0 {
			t.Errorf("release %s served nothing: %v", rel, load.byRel)
		}
	}
	o, _ := rt.Observe(context.Background(), svc)
	if len(o.Releases) != 1 || o.Stable != "v2" {
		t.Errorf("after rollback: %+v", o)
	}
}

func TestFailingRequestsAreSampledAndMeasured(t *testing.T) {
	rt := newTestRuntime(t)
	apply(t, rt, runtime.Desired{Stable: srcRelease("good"), Canary: srcRelease("bad", "ERROR_RATE", "1"), CanaryWeight: 50, Replicas: 1, CanaryReplicas: 1})
	url := waitConverged(t, rt).Endpoint
	start := time.Now()
	for i := 0; i < 40; i++ {
		get(url + "/")
	}
	fails, err := rt.FailedRequests(context.Background(), svc, "bad", 5)
	if err != nil || len(fails) != 5 {
		t.Fatalf("failed requests %+v %v", fails, err)
	}
	f := fails[4]
	if f.Status != 500 || f.Method != "GET" || f.Path != "/" || !strings.Contains(f.Body, "injected failure") || !strings.HasPrefix(f.Replica, "bad-") || f.Latency <= 0 {
		t.Errorf("sample %+v", f)
	}
	if good, _ := rt.FailedRequests(context.Background(), svc, "good", 5); len(good) != 0 {
		t.Errorf("good release has failures %+v", good)
	}
	q := metrics.Query{Expr: metrics.ErrorRate, Service: svc, Start: start, End: time.Now(), Step: time.Minute}
	for rel, want := range map[string]float64{"bad": 1, "good": 0} {
		q.Release = rel
		s, err := rt.Query(context.Background(), q)
		if err != nil || len(s) != 1 || s[0].Value != want {
			t.Errorf("%s error_rate = %v %v, want %v", rel, s, err, want)
		}
	}
	rec := httptest.NewRecorder()
	rt.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`pinwheel_proxy_requests_total{code="500",release="bad",service="svc"} 20`,
		`pinwheel_proxy_requests_total{code="200",release="good",service="svc"} 20`,
		`pinwheel_proxy_request_errors_total{kind="5xx",release="bad",service="svc"} 20`,
		`pinwheel_proxy_request_duration_seconds_count{release="good",service="svc"} 20`,
		`pinwheel_proxy_canary_weight{service="svc"} 50`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// A slow canary is rolled back and scaled down while POSTs (never retried)
// are in flight on it: they finish, none fails.
func TestRollbackDrainsInFlightRequests(t *testing.T) {
	rt := newTestRuntime(t)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Canary: srcRelease("v2", "EXTRA_LATENCY_MS", "300"), CanaryWeight: 50, Replicas: 1, CanaryReplicas: 2})
	url := waitConverged(t, rt).Endpoint
	load := startLoadMethod(http.MethodPost, url, "", 6)
	time.Sleep(500 * time.Millisecond) // let requests pile up on v2 (not an assertion)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Canary: srcRelease("v2", "EXTRA_LATENCY_MS", "300"), CanaryWeight: 50, Replicas: 1, CanaryReplicas: 1})
	time.Sleep(200 * time.Millisecond)
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Replicas: 1}) // rollback
	waitConverged(t, rt)
	load.finish()
	t.Logf("requests %d by release %v", load.total, load.byRel)
	if len(load.badOK) > 0 {
		t.Fatalf("%d requests failed, e.g. %v", len(load.badOK), load.badOK[:min(5, len(load.badOK))])
	}
	if load.byRel["v2"] == 0 {
		t.Fatalf("the slow canary served nothing: %v", load.byRel)
	}
}

func TestUpstreamTimeoutIsA504(t *testing.T) {
	rt := newTestRuntime(t, WithUpstreamTimeout(200*time.Millisecond))
	apply(t, rt, runtime.Desired{Stable: srcRelease("slow", "EXTRA_LATENCY_MS", "2000"), Replicas: 1})
	url := waitConverged(t, rt).Endpoint
	if a := get(url + "/"); a.code != http.StatusGatewayTimeout {
		t.Fatalf("answer %v, want 504", a)
	}
	f, _ := rt.FailedRequests(context.Background(), svc, "slow", 1)
	if len(f) != 1 || f[0].Status != 504 || !strings.Contains(f[0].Error, "timeout") {
		t.Errorf("failure sample %+v", f)
	}
	rec := httptest.NewRecorder()
	rt.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if want := `pinwheel_proxy_request_errors_total{kind="timeout",release="slow",service="svc"} 1`; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("/metrics lacks %s", want)
	}
}
