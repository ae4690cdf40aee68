package local

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"pinwheel.dev/pinwheel/internal/crash"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Replica states as Observe reports them.
const (
	stateStarting = "starting"
	stateReady    = "ready"
	stateBackoff  = "backoff"
	stateDraining = "draining"
	stateStopped  = "stopped"
)

// replica supervises one process of a release: start, probe, restart with
// exponential backoff when it exits, stop on request.
type replica struct {
	name    string
	port    int
	pids    pidRecorder
	service string // the service the replica belongs to: with name, its pid file
	launch  launch
	probe   string
	opts    *options
	logs    *logRing
	logFile string
	log     *slog.Logger

	inflight atomic.Int64
	ready    atomic.Bool
	draining atomic.Bool

	mu       sync.Mutex
	state    string
	pid      int
	restarts int
	lastExit string

	stop chan struct{} // closed to stop
	done chan struct{} // closed when the process is gone for good
}

func (r *replica) addr() string { return fmt.Sprintf("127.0.0.1:%d", r.port) }

func (r *replica) snapshot() runtime.ReplicaState {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.state
	if r.draining.Load() && st != stateStopped {
		st = stateDraining
	}
	return runtime.ReplicaState{Name: r.name, Address: r.addr(), PID: r.pid, State: st, Restarts: r.restarts, LastExit: r.lastExit}
}

func (r *replica) setState(s string) {
	r.mu.Lock()
	r.state = s
	r.mu.Unlock()
}

// run is the supervisor loop; it returns when stop is closed and the
// process has exited.
func (r *replica) run() {
	defer close(r.done)
	defer r.setState(stateStopped)
	backoff := r.opts.backoffMin
	for {
		started := time.Now()
		exit := r.runOnce()
		r.ready.Store(false)
		select {
		case <-r.stop:
			return
		default:
		}
		r.mu.Lock()
		r.restarts++
		r.lastExit = exit
		r.state = stateBackoff
		r.mu.Unlock()
		if time.Since(started) > 2*r.opts.backoffMax {
			backoff = r.opts.backoffMin // it ran fine for a while
		}
		r.log.Warn("replica exited; restarting", "replica", r.name, "exit", exit, "backoff", backoff)
		select {
		case <-r.stop:
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, r.opts.backoffMax)
	}
}

// runOnce starts the process, probes it until ready, and waits for it to
// exit (or stops it). It returns how the process ended.
func (r *replica) runOnce() string {
	r.setState(stateStarting)
	var file *os.File
	if r.logFile != "" {
		os.MkdirAll(filepath.Dir(r.logFile), 0o755)
		file, _ = os.OpenFile(r.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	}
	w := &lineWriter{prefix: r.name + " | ", ring: r.logs}
	if file != nil {
		w.file = file
		defer file.Close()
	}
	if r.launch.image != nil {
		return r.runContainerOnce(w)
	}
	cmd := exec.Command(r.launch.argv[0], r.launch.argv[1:]...)
	cmd.Dir = r.launch.dir
	cmd.Env = append(append([]string{}, r.launch.env...), fmt.Sprintf("PORT=%d", r.port), "PINWHEEL_REPLICA="+r.name)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return "start: " + err.Error()
	}
	r.mu.Lock()
	r.pid = cmd.Process.Pid
	r.mu.Unlock()
	if r.pids != nil {
		r.pids.writePID(r.service, r.name, cmd.Process.Pid)
		defer r.pids.removePID(r.service, r.name)
	}
	exited := make(chan error, 1)
	crash.Go(func() { exited <- cmd.Wait() })
	probeCtx, cancelProbe := context.WithCancel(context.Background())
	defer cancelProbe()
	crash.Go(func() { r.probeUntilReady(probeCtx) })
	select {
	case err := <-exited:
		return exitString(err)
	case <-r.stop:
		cancelProbe()
		r.terminate(cmd.Process.Pid, exited)
		return "stopped"
	}
}

// terminate sends SIGTERM to the process group, then SIGKILL after the grace period.
func (r *replica) terminate(pid int, exited chan error) {
	r.ready.Store(false)
	syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(r.opts.grace):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-exited
	}
	syscall.Kill(-pid, syscall.SIGKILL) // children that outlived their parent
}

func (r *replica) probeUntilReady(ctx context.Context) {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	url := "http://" + r.addr() + r.probe
	tick := time.NewTicker(r.opts.probeInterval)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body) // closing unread data would reset the connection
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				r.ready.Store(true)
				r.setState(stateReady)
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// drainAndStop takes the replica out of rotation, waits for its in-flight
// requests (at most the drain timeout), then stops it and waits.
func (r *replica) drainAndStop() {
	r.draining.Store(true)
	deadline := time.Now().Add(r.opts.drainTimeout)
	for r.inflight.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	r.stopNow()
}

func (r *replica) stopNow() {
	r.mu.Lock()
	select {
	case <-r.stop:
	default:
		close(r.stop)
	}
	r.mu.Unlock()
	<-r.done
}

func exitString(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// pidRecorder keeps pid files for running replicas (the Runtime).
type pidRecorder interface {
	writePID(service, name string, pid int)
	removePID(service, name string)
}
