package local

import (
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"

	"pinwheel.dev/pinwheel/internal/crash"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// release is the running replicas of one release of a service.
type release struct {
	id      string
	spec    runtime.Release
	launch  launch
	logs    *logRing
	logDir  string
	service string

	mu       sync.Mutex
	replicas []*replica // in rotation (not draining)
	seq      int
	restarts int // of replicas already removed
	rr       atomic.Uint64
}

// scale starts or removes replicas until n are in rotation. Removed
// replicas are handed to retire (drain, then stop).
func (rel *release) scale(n int, probe string, opts *options, pids pidRecorder, retire func(*replica)) error {
	rel.mu.Lock()
	defer rel.mu.Unlock()
	for len(rel.replicas) < n {
		port, err := freePort()
		if err != nil {
			return err
		}
		rel.seq++
		name := fmt.Sprintf("%s-%d", rel.id, rel.seq)
		r := &replica{
			name: name, service: rel.service, port: port, pids: pids, launch: rel.launch, probe: probe, opts: opts, logs: rel.logs,
			logFile: filepath.Join(rel.logDir, name+".log"), log: opts.logger.With("service", rel.service),
			state: stateStarting, stop: make(chan struct{}), done: make(chan struct{}),
		}
		rel.replicas = append(rel.replicas, r)
		crash.Go(r.run)
	}
	for len(rel.replicas) > n {
		last := rel.replicas[len(rel.replicas)-1]
		rel.replicas = rel.replicas[:len(rel.replicas)-1]
		last.draining.Store(true)
		rel.restarts += last.snapshot().Restarts
		retire(last)
	}
	return nil
}

// pick returns a ready replica in rotation, round robin, with its in-flight
// count already raised (the caller lowers it); nil when none is ready.
func (rel *release) pick(exclude *replica) *replica {
	rel.mu.Lock()
	reps := rel.replicas
	rel.mu.Unlock()
	n := uint64(len(reps))
	if n == 0 {
		return nil
	}
	start := rel.rr.Add(1)
	for i := uint64(0); i < n; i++ {
		r := reps[(start+i)%n]
		if r == exclude || !r.ready.Load() {
			continue
		}
		r.inflight.Add(1)
		if r.draining.Load() { // lost a race with drainAndStop
			r.inflight.Add(-1)
			continue
		}
		return r
	}
	return nil
}

// readyReplicas are the ready replicas in rotation.
func (rel *release) readyReplicas() []*replica {
	rel.mu.Lock()
	defer rel.mu.Unlock()
	var out []*replica
	for _, r := range rel.replicas {
		if r.ready.Load() && !r.draining.Load() {
			out = append(out, r)
		}
	}
	return out
}

func (rel *release) readyCount() int {
	rel.mu.Lock()
	defer rel.mu.Unlock()
	n := 0
	for _, r := range rel.replicas {
		if r.ready.Load() {
			n++
		}
	}
	return n
}

func (rel *release) state(desired int) runtime.ReleaseState {
	rel.mu.Lock()
	defer rel.mu.Unlock()
	st := runtime.ReleaseState{ID: rel.id, Mode: runtime.ModeProcess, Desired: desired, Restarts: rel.restarts}
	if rel.launch.image != nil {
		st.Mode = runtime.ModeContainer
	}
	for _, r := range rel.replicas {
		s := r.snapshot()
		if r.ready.Load() {
			st.Ready++
		}
		st.Restarts += s.Restarts
		st.Replicas = append(st.Replicas, s)
	}
	return st
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
