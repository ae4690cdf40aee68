package deploy

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

// metricsEndpoint is an HTTP/JSON metrics source on 127.0.0.1: it records
// the requests it gets and answers every query with a number, the error
// rate of the release named failing 0.5, everything else 0.
type metricsEndpoint struct {
	*httptest.Server
	mu      sync.Mutex
	urls    []string
	failing string
}

func newMetricsEndpoint(t *testing.T) *metricsEndpoint {
	m := &metricsEndpoint{}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.urls = append(m.urls, r.URL.String())
		failing := m.failing
		m.mu.Unlock()
		v := "0"
		if r.URL.Path == "/error_rate" && failing != "" && r.URL.Query().Get("release") == failing {
			v = "0.5"
		}
		fmt.Fprint(w, v)
	}))
	t.Cleanup(m.Close)
	return m
}

func (m *metricsEndpoint) requests() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.urls...)
}

// TestHTTPJSONProviderJudgesTheRollout: with runtime.metrics.provider
// httpjson, the analysis asks the configured endpoint (with the release id
// in the URL), not the local proxy; a good release is promoted on its
// numbers and a release whose error rate is 0.5 there is rolled back.
func TestHTTPJSONProviderJudgesTheRollout(t *testing.T) {
	if testing.Short() {
		t.Skip("starts python3 replicas")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ep := newMetricsEndpoint(t)
	dir := shopCopy(t)
	writeHTTPJSONRollout(t, filepath.Join(dir, "pinwheel.yaml"), ep.URL)
	p, err := LoadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := local.New(ctx, filepath.Join(dir, ".pinwheel"), local.WithGracePeriod(2*time.Second),
		local.WithProbeInterval(50*time.Millisecond), local.WithBackoff(50*time.Millisecond, 400*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	rt.Start()
	t.Cleanup(func() { rt.Close() })
	store := openStore(t)
	// The local runtime's own numbers would pass every release: no traffic
	// reaches it, so only the configured endpoint can fail one.
	r := &Runner{Store: store, Target: Target{Target: rt, Metrics: rt, Name: "local"}, Project: p}

	deployOnce := func() (ledger.Release, ledger.Rollout) {
		t.Helper()
		rel, err := RecordRelease(ctx, store, p, Artifact{Source: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.Start(ctx, rel, StartOptions{Replicas: 1}); err != nil {
			t.Fatal(err)
		}
		ro, err := r.Drive(ctx, rel.Service)
		if err != nil {
			t.Fatal(err)
		}
		return rel, ro
	}

	good, ro := deployOnce()
	if ro.Outcome != "promoted" {
		t.Fatalf("good release %s: outcome %q phase %s", good.ID, ro.Outcome, ro.Phase)
	}
	if !askedFor(ep.requests(), "/error_rate?release="+good.ID) {
		t.Fatalf("the endpoint was never asked about %s: %q", good.ID, ep.requests())
	}

	ep.mu.Lock()
	ep.failing = "shop-2"
	ep.mu.Unlock()
	bad, ro := deployOnce()
	if bad.ID != "shop-2" {
		t.Fatalf("second release is %s, the endpoint fails shop-2", bad.ID)
	}
	if ro.Outcome != "rolled-back" {
		t.Fatalf("release %s with error rate 0.5 at the endpoint: outcome %q phase %s", bad.ID, ro.Outcome, ro.Phase)
	}
	if !askedFor(ep.requests(), "/error_rate?release="+bad.ID) {
		t.Fatalf("the endpoint was never asked about %s: %q", bad.ID, ep.requests())
	}
	live, err := store.GetRelease(ctx, "shop", "current")
	if err != nil || live.ID != good.ID {
		t.Fatalf("live release after rollback: %+v, %v; want %s", live, err, good.ID)
	}
}

func askedFor(urls []string, prefix string) bool {
	for _, u := range urls {
		if strings.HasPrefix(u, prefix+"&") {
			return true
		}
	}
	return false
}

// writeHTTPJSONRollout replaces the shop's rollout: section with one whose
// checks ask base, and selects the httpjson provider.
func writeHTTPJSONRollout(t *testing.T, path, base string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	head, tail, ok := strings.Cut(s, "\nrollout:\n")
	_, notify, ok2 := strings.Cut(tail, "\nnotify:\n")
	if !ok || !ok2 {
		t.Fatalf("%s: no rollout: and notify: sections", path)
	}
	section := `
runtime:
  metrics:
    provider: httpjson
    timeout: 5s

rollout:
  steps:
    - setWeight: 50
    - analysis: {checks: [error-rate], samples: 2}
    - setWeight: 100
  checks:
    - name: error-rate
      kind: threshold
      query: "BASE/error_rate?release={{.Release}}&start={{.Start}}&end={{.End}}"
      max: 0.02
      minSamples: 1
  analysis:
    interval: 1s
    warmup: 1s
  progressDeadline: 60s
  scaleDownDelay: 1s

notify:
`
	if err := os.WriteFile(path, []byte(head+strings.ReplaceAll(section, "BASE", base)+notify), 0o644); err != nil {
		t.Fatal(err)
	}
}
