package kubee2e

import (
	"bytes"
	"context"
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

// proc is a `pinwheel controller` process.
type proc struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
	err  error
}

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
	p := &proc{t: r.t, name: identity, out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(pinwheelBinary(r.t), args...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.Env = append(os.Environ(), env...)
	if err := p.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	r.t.Cleanup(func() {
		p.signal(syscall.SIGKILL)
		if r.t.Failed() {
			r.t.Logf("%s output:\n%s", identity, p.out.String())
		}
	})
	return p
}

// signal sends sig and waits for the process to exit.
func (p *proc) signal(sig syscall.Signal) error {
	select {
	case <-p.done:
		return p.err
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
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
