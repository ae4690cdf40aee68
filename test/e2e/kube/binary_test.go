package kubee2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/kubetest"
)

var pinwheel struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// pinwheelBinary builds ./cmd/pinwheel once per test process (only the
// tests that run the binary pay for it).
func pinwheelBinary(t *testing.T) string {
	t.Helper()
	pinwheel.once.Do(func() {
		root, err := kubetest.RepoRoot()
		if err != nil {
			pinwheel.err = err
			return
		}
		dir, err := os.MkdirTemp("", "pinwheel-kube-e2e-")
		if err != nil {
			pinwheel.err = err
			return
		}
		pinwheel.path = filepath.Join(dir, "pinwheel")
		cmd := exec.Command("go", "build", "-o", pinwheel.path, "./cmd/pinwheel")
		cmd.Dir = root
		pinwheel.out, pinwheel.err = cmd.CombinedOutput()
	})
	if pinwheel.err != nil {
		t.Fatalf("go build ./cmd/pinwheel: %v\n%s", pinwheel.err, pinwheel.out)
	}
	return pinwheel.path
}

// proc is a `pinwheel controller` process kept running the way a
// Deployment keeps its pod's container running: when it exits on its own
// (a lost leader election, a crash) it is started again, with the same
// arguments, after a short backoff. Only signal stops it for good (the
// test deleting the pod).
type proc struct {
	t    *testing.T
	name string
	args []string
	env  []string
	out  *lockedBuffer

	mu       sync.Mutex
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the current incarnation exits
	err      error         // how the last incarnation exited
	stopping bool          // signal was called: do not restart
	starts   int
	stopped  chan struct{} // closed when the supervisor has given up
}

// e2eLease is the lease duration of the controller processes: long enough
// (renew deadline 6.7 s) that a loaded machine does not starve every
// renewal — with 3 s the soak saw a controller lose its lease three times
// in one test — and short enough that a killed holder's lease expires soon.
const e2eLease = 10 * time.Second

// startControllerProcess runs `pinwheel controller` for the rig's
// namespace with leader election on the Lease lease in that namespace.
func (r *rig) startControllerProcess(identity, lease string, leaseDuration time.Duration, extra ...string) *proc {
	r.t.Helper()
	return r.startControllerProcessEnv(nil, identity, lease, leaseDuration, extra...)
}

// startControllerProcessEnv is startControllerProcess with env added to
// the process's environment.
func (r *rig) startControllerProcessEnv(env []string, identity, lease string, leaseDuration time.Duration, extra ...string) *proc {
	r.t.Helper()
	args := append([]string{"controller", "--kubeconfig", r.Kubeconfig, "-n", r.Namespace,
		"--leader-elect", "--lease-namespace", r.Namespace, "--lease-name", lease,
		"--lease-duration", leaseDuration.String(), "--identity", identity,
		"--metrics-addr", "0", "--probe-addr", ""}, extra...)
	p := &proc{t: r.t, name: identity, args: args, env: append(os.Environ(), env...), out: &lockedBuffer{}, stopped: make(chan struct{})}
	p.mu.Lock()
	err := p.startLocked()
	p.mu.Unlock()
	if err != nil {
		r.t.Fatal(err)
	}
	go p.supervise()
	r.t.Cleanup(func() {
		p.signal(syscall.SIGKILL)
		if r.t.Failed() {
			r.t.Logf("%s output (%d starts):\n%s", identity, p.startCount(), p.out.String())
		}
	})
	return p
}

// startLocked starts an incarnation; p.mu is held.
func (p *proc) startLocked() error {
	cmd := exec.Command(pinwheelBinary(p.t), p.args...)
	cmd.Stdout, cmd.Stderr = p.out, p.out
	cmd.Env = p.env
	if err := cmd.Start(); err != nil {
		return err
	}
	p.starts++
	fmt.Fprintf(p.out, "=== %s: start %d, pid %d\n", p.name, p.starts, cmd.Process.Pid)
	exited := make(chan struct{})
	p.cmd, p.exited = cmd, exited
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		fmt.Fprintf(p.out, "=== %s: pid %d exited: %v\n", p.name, cmd.Process.Pid, err)
		close(exited)
	}()
	return nil
}

// supervise starts the process again each time it exits unless signal
// stopped it, backing off from 250 ms to 4 s as the kubelet does.
func (p *proc) supervise() {
	defer close(p.stopped)
	backoff := 250 * time.Millisecond
	for {
		p.mu.Lock()
		exited := p.exited
		p.mu.Unlock()
		<-exited
		p.mu.Lock()
		stopping := p.stopping
		p.mu.Unlock()
		if stopping {
			return
		}
		time.Sleep(backoff)
		backoff = min(2*backoff, 4*time.Second)
		// Checked and started under one lock: signal either sees the new
		// incarnation or stops this one from starting.
		p.mu.Lock()
		if p.stopping {
			p.mu.Unlock()
			return
		}
		err := p.startLocked()
		p.mu.Unlock()
		if err != nil {
			fmt.Fprintf(p.out, "=== %s: restart failed: %v\n", p.name, err)
			return
		}
	}
}

func (p *proc) startCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.starts
}

// signal stops supervising, sends sig to the running incarnation and waits
// for it to exit; it returns how that incarnation exited.
func (p *proc) signal(sig syscall.Signal) error {
	p.mu.Lock()
	p.stopping = true
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	select {
	case <-exited:
	default:
		_ = cmd.Process.Signal(sig)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	<-p.stopped
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// leaseHolder is who holds the Lease and whether it is still valid.
func (r *rig) leaseHolder(lease string) (string, bool) {
	r.t.Helper()
	holder, held, err := controller.LeaseHolder(context.Background(), r.Config, r.Namespace, lease)
	if err != nil {
		r.t.Fatal(err)
	}
	return holder, held
}

// waitHolder waits until identity holds the Lease lease (and it is valid).
func (r *rig) waitHolder(lease, identity string) {
	r.t.Helper()
	kubetest.Eventually(r.t, identity+" holds the lease", func() (bool, string) {
		h, held := r.leaseHolder(lease)
		return h == identity && held, h
	})
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
