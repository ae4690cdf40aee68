package local

import (
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"

	"pinwheel.dev/pinwheel/internal/crash"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// service is one service's releases, its route and its proxy.
type service struct {
	name string
	rt   *Runtime

	mu       sync.Mutex
	desired  runtime.Desired
	releases map[string]*release // wanted releases
	retiring sync.WaitGroup
	draining atomic.Int64

	route    atomic.Pointer[route]
	swrrMu   sync.Mutex
	swrr     [2]int // smooth weighted round robin current weights: stable, canary
	failures *failureRing
	logs     map[string]*logRing // guarded by Runtime.mu

	listener net.Listener
	server   *http.Server
	proxy    *proxy // the server's handler, under crash.Handler
	endpoint string
}

// route is what the proxy sends traffic to; replaced atomically.
type route struct {
	stable, canary *release
	weight         int // canary percentage in effect
}

// wanted lists the releases d asks for with their replica counts.
func wanted(d runtime.Desired) map[string]int {
	w := map[string]int{}
	for _, r := range d.Standby {
		w[r.ID] = d.Replicas
	}
	if d.Stable != nil {
		w[d.Stable.ID] = d.Replicas
	}
	if d.Canary != nil {
		w[d.Canary.ID] = d.CanaryReplicas
	}
	return w
}

// reconcile moves replicas and the route towards the desired state. The
// route changes before any replica leaves rotation, so no request is sent
// to a replica that is being stopped.
func (s *service) reconcile() {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.desired
	want := wanted(d)
	probe := d.ReadinessPath
	if probe == "" {
		probe = "/"
	}
	for id, n := range want {
		if rel := s.releases[id]; rel != nil {
			if err := rel.scale(n, probe, s.rt.opts, s.rt, s.retire); err != nil {
				s.rt.opts.logger.Error("scale release", "service", s.name, "release", id, "err", err)
			}
		}
	}
	s.updateRoute(d)
	for id, rel := range s.releases {
		if _, ok := want[id]; !ok {
			delete(s.releases, id)
			rel.scale(0, probe, s.rt.opts, s.rt, s.retire)
		}
	}
}

func (s *service) updateRoute(d runtime.Desired) {
	old := s.route.Load()
	next := &route{}
	if d.Stable != nil {
		next.stable = s.releases[d.Stable.ID]
	}
	if d.Canary != nil {
		next.canary = s.releases[d.Canary.ID]
	}
	switch {
	case next.canary == nil:
		next.weight = 0
	case next.stable == nil:
		next.weight = 100
	case d.CanaryWeight == 0 || next.canary.readyCount() > 0:
		next.weight = d.CanaryWeight
	case old != nil && old.canary == next.canary:
		next.weight = old.weight // keep what is in effect until the canary is ready again
	}
	if old == nil || *old != *next {
		s.route.Store(next)
		s.rt.prom.weight.WithLabelValues(s.name).Set(float64(next.weight))
	}
}

// retire drains and stops a replica in the background.
func (s *service) retire(r *replica) {
	s.retiring.Add(1)
	s.draining.Add(1)
	go func() {
		defer crash.Recover()
		defer s.retiring.Done()
		defer s.draining.Add(-1)
		r.drainAndStop()
	}()
}

// pickRelease chooses stable or canary by smooth weighted round robin
// (nginx's algorithm: deterministic, and any window of 100 requests holds
// exactly the weight's share), falling back to the other release when the
// chosen one has no ready replica.
func (s *service) pickRelease() (first, other *release) {
	rt := s.route.Load()
	if rt == nil {
		return nil, nil
	}
	if rt.stable == nil || rt.canary == nil {
		if rt.stable != nil {
			return rt.stable, nil
		}
		return rt.canary, nil
	}
	w := [2]int{100 - rt.weight, rt.weight}
	s.swrrMu.Lock()
	s.swrr[0] += w[0]
	s.swrr[1] += w[1]
	i := 0
	if s.swrr[1] > s.swrr[0] {
		i = 1
	}
	s.swrr[i] -= 100
	s.swrrMu.Unlock()
	if i == 1 {
		return rt.canary, rt.stable
	}
	return rt.stable, rt.canary
}

func (s *service) observe() runtime.Observed {
	s.mu.Lock()
	d := s.desired
	o := runtime.Observed{Service: s.name, Endpoint: s.endpoint, Releases: map[string]runtime.ReleaseState{}}
	want := wanted(d)
	converged := s.draining.Load() == 0
	for id, rel := range s.releases {
		st := rel.state(want[id])
		o.Releases[id] = st
		if st.Ready != st.Desired || len(st.Replicas) != st.Desired {
			converged = false
		}
	}
	s.mu.Unlock()
	if rt := s.route.Load(); rt != nil {
		if rt.stable != nil {
			o.Stable = rt.stable.id
		}
		if rt.canary != nil {
			o.Canary = rt.canary.id
		}
		o.CanaryWeight = rt.weight
		if rt.canary != nil && rt.stable != nil && rt.weight != d.CanaryWeight {
			converged = false
		}
	}
	o.Converged = converged
	return o
}

func (s *service) logDir(id string) string {
	return filepath.Join(s.rt.stateDir, "logs", safeName(s.name), safeName(id))
}
