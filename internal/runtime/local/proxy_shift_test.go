package local

import (
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// Weights move stable→canary and back (0→10→50→100→50→10→0, twice) under
// a steady load of keep-alive clients: every request succeeds, and each
// release serves while its weight is above zero.
func TestProxyWeightShiftsDropNoRequest(t *testing.T) {
	rt := newTestRuntime(t)
	d := runtime.Desired{Stable: srcRelease("v1"), Canary: srcRelease("v2"), Replicas: 1, CanaryReplicas: 1}
	apply(t, rt, d)
	url := waitConverged(t, rt).Endpoint
	load := startLoad(url, "", 4)
	defer func() {
		if load != nil {
			load.finish()
		}
	}()
	for round := 0; round < 2; round++ {
		for _, w := range []int{0, 10, 50, 100, 50, 10, 0} {
			d.CanaryWeight = w
			apply(t, rt, d)
			o := waitConverged(t, rt)
			if o.CanaryWeight != w {
				t.Fatalf("weight in effect %d, want %d", o.CanaryWeight, w)
			}
			before := load.snapshot()
			// Traffic flows at this weight before the next change: at least
			// 100 answers (a count, not a duration).
			load.waitServed(t, before.total+100)
			after := load.snapshot()
			for rel, share := range map[string]int{"v1": 100 - w, "v2": w} {
				if share > 0 && after.byRel[rel] == before.byRel[rel] {
					t.Errorf("round %d weight %d: %s served nothing (%v → %v)", round, w, rel, before.byRel, after.byRel)
				}
			}
		}
	}
	// Remove the canary under load: it leaves rotation, drains and stops,
	// and the proxy closes its idle connections to it.
	s := rt.lookup(svc)
	s.mu.Lock()
	rel := s.releases["v2"]
	s.mu.Unlock()
	rel.mu.Lock()
	canary := rel.replicas[0]
	rel.mu.Unlock()
	apply(t, rt, runtime.Desired{Stable: srcRelease("v1"), Replicas: 1})
	waitConverged(t, rt)
	load.waitServed(t, load.snapshot().total+100)
	up := s.proxy.up
	waitFor(t, "idle connections to the removed canary closed", func() bool {
		up.mu.Lock()
		defer up.mu.Unlock()
		return up.pools[canary] == nil
	})
	g := load
	load = nil
	g.finish()
	t.Logf("requests %d by release %v", g.total, g.byRel)
	if len(g.badOK) > 0 {
		t.Fatalf("%d of %d requests failed during weight changes, e.g. %v", len(g.badOK), g.total, g.badOK[:min(5, len(g.badOK))])
	}
}

type loadSnapshot struct {
	total int
	byRel map[string]int
}

func (g *loadGen) snapshot() loadSnapshot {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := loadSnapshot{total: g.total, byRel: map[string]int{}}
	for k, v := range g.byRel {
		s.byRel[k] = v
	}
	return s
}

// waitServed waits until the load has sent n requests in all, failing t
// after 2 minutes (a stalled proxy, not a slow machine).
func (g *loadGen) waitServed(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if g.snapshot().total >= n {
			return
		}
	}
	t.Fatalf("load stalled below %d requests", n)
}
