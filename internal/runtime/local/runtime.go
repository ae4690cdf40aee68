package local

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/crash"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Runtime is the local target: replicas as processes, one proxy per service.
type Runtime struct {
	stateDir string
	opts     *options
	python   python
	recorder *metrics.Recorder
	registry *prometheus.Registry
	prom     *proxyMetrics
	pyErr    error // why there is no host python (container mode only)

	runc         *container.Runc // nil: replicas run as host processes
	noContainers string          // why runc is nil
	rootfsCache  string

	mu       sync.Mutex
	services map[string]*service
	prepared map[string]launch // by service/release
	closed   bool
	started  bool
	stop     chan struct{}
	loopDone chan struct{}
}

var (
	_ runtime.Target         = (*Runtime)(nil)
	_ runtime.FailureSampler = (*Runtime)(nil)
	_ metrics.Provider       = (*Runtime)(nil)
)

// New returns a Runtime keeping release directories and logs under stateDir.
// It checks the interpreter; call Start to begin reconciling and Close to
// stop every replica.
func New(ctx context.Context, stateDir string, opts ...Option) (*Runtime, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(o)
	}
	abs, err := filepath.Abs(stateDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	rt := &Runtime{
		stateDir: abs, opts: o, recorder: metrics.NewRecorder(0),
		registry: reg, prom: newProxyMetrics(reg),
		services: map[string]*service{}, prepared: map[string]launch{},
		stop: make(chan struct{}), loopDone: make(chan struct{}),
	}
	rt.setupContainers()
	if rt.python, rt.pyErr = detectPython(ctx, o.python); rt.pyErr != nil && rt.runc == nil {
		return nil, rt.pyErr
	}
	rt.reapOrphans()
	return rt, nil
}

// Start begins the background reconcile loop (replica scaling and weights
// that wait for readiness). It returns at once.
func (rt *Runtime) Start() {
	rt.mu.Lock()
	if rt.started || rt.closed {
		rt.mu.Unlock()
		return
	}
	rt.started = true
	rt.mu.Unlock()
	go func() {
		defer crash.Recover()
		defer close(rt.loopDone)
		t := time.NewTicker(rt.opts.reconcileEvery)
		defer t.Stop()
		for {
			select {
			case <-rt.stop:
				return
			case <-t.C:
				for _, s := range rt.serviceList() {
					s.reconcile()
				}
			}
		}
	}()
}

// Close stops the proxies (letting in-flight requests finish) and every
// replica (SIGTERM, SIGKILL after the grace period).
func (rt *Runtime) Close() error {
	rt.mu.Lock()
	if rt.closed {
		rt.mu.Unlock()
		return nil
	}
	rt.closed = true
	close(rt.stop)
	started := rt.started
	rt.mu.Unlock()
	if started {
		<-rt.loopDone // no reconcile runs from here on
	}
	var errs []error
	for _, s := range rt.serviceList() {
		ctx, cancel := context.WithTimeout(context.Background(), rt.opts.grace)
		errs = append(errs, s.server.Shutdown(ctx))
		cancel()
		s.mu.Lock()
		for id, rel := range s.releases {
			delete(s.releases, id)
			rel.scale(0, "/", rt.opts, rt, s.retire)
		}
		s.mu.Unlock()
		s.retiring.Wait()
	}
	if rt.runc != nil {
		if _, err := rt.runc.Cleanup(); err != nil { // none should be left; a safety net
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// MetricsHandler serves the proxies' Prometheus metrics.
func (rt *Runtime) MetricsHandler() http.Handler {
	return promHandler(rt.registry)
}

func (rt *Runtime) serviceList() []*service {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	out := make([]*service, 0, len(rt.services))
	for _, s := range rt.services {
		out = append(out, s)
	}
	return out
}

// Apply prepares any new release (venv, extracted layers), records d and
// starts converging. It returns once replicas are starting.
func (rt *Runtime) Apply(ctx context.Context, d runtime.Desired) error {
	if err := validateDesired(d); err != nil {
		return err
	}
	launches := map[string]launch{}
	for _, rel := range releasesOf(d) {
		l, err := rt.launchFor(ctx, d.Service, rel)
		if err != nil {
			return err
		}
		launches[rel.ID] = l
	}
	s, err := rt.service(d.Service)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.desired = d
	for _, rel := range releasesOf(d) {
		if s.releases[rel.ID] == nil {
			s.releases[rel.ID] = &release{id: rel.ID, spec: rel, launch: launches[rel.ID],
				logs: rt.logRing(d.Service, rel.ID), logDir: s.logDir(rel.ID), service: d.Service}
		}
	}
	s.mu.Unlock()
	s.reconcile()
	return nil
}

func releasesOf(d runtime.Desired) []runtime.Release {
	var out []runtime.Release
	if d.Stable != nil {
		out = append(out, *d.Stable)
	}
	if d.Canary != nil {
		out = append(out, *d.Canary)
	}
	return append(out, d.Standby...)
}

func validateDesired(d runtime.Desired) error {
	if d.Service == "" {
		return fmt.Errorf("desired state: no service name")
	}
	if d.CanaryWeight < 0 || d.CanaryWeight > 100 {
		return fmt.Errorf("desired state: canary weight %d: expected 0-100", d.CanaryWeight)
	}
	if d.Replicas < 0 || d.CanaryReplicas < 0 {
		return fmt.Errorf("desired state: negative replica count")
	}
	seen := map[string]bool{}
	for _, r := range releasesOf(d) {
		if r.ID == "" {
			return fmt.Errorf("desired state: a release has no ID")
		}
		if seen[r.ID] {
			return fmt.Errorf("desired state: release %s named twice", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}

func (rt *Runtime) launchFor(ctx context.Context, service string, rel runtime.Release) (launch, error) {
	key := service + "/" + rel.ID
	rt.mu.Lock()
	l, ok := rt.prepared[key]
	rt.mu.Unlock()
	if ok {
		return l, nil
	}
	l, err := rt.prepare(ctx, service, rel)
	if err != nil {
		return launch{}, err
	}
	rt.mu.Lock()
	rt.prepared[key] = l
	rt.mu.Unlock()
	return l, nil
}

// logRings are kept per release across re-creations so Logs still answers
// after a rollback stopped the replicas.
func (rt *Runtime) logRing(service, id string) *logRing {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	s := rt.services[service]
	if s.logs == nil {
		s.logs = map[string]*logRing{}
	}
	if s.logs[id] == nil {
		s.logs[id] = newLogRing(rt.opts.logLines)
	}
	return s.logs[id]
}

// service returns the service, starting its proxy on first use.
func (rt *Runtime) service(name string) (*service, error) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.closed {
		return nil, errors.New("runtime is closed")
	}
	if s := rt.services[name]; s != nil {
		return s, nil
	}
	addr := rt.opts.addrs[name]
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("service %s: listen: %w", name, err)
	}
	s := &service{name: name, rt: rt, releases: map[string]*release{}, failures: newFailureRing(200), listener: ln,
		endpoint: "http://" + ln.Addr().String()}
	s.proxy = newProxy(s)
	s.server = &http.Server{Handler: crash.Handler(s.proxy), ReadHeaderTimeout: 10 * time.Second}
	go s.server.Serve(ln)
	rt.services[name] = s
	return s, nil
}

func (rt *Runtime) lookup(name string) *service {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.services[name]
}
