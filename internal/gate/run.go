package gate

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/container"
)

// Runner runs a run: gate's command and says how it went.
type Runner interface {
	RunGate(ctx context.Context, g config.Gate) (Test, error)
}

// ImageRunner runs gate commands inside a prepared image under runc: the
// image's own root filesystem (read-only), env, user and working
// directory, no capabilities, the default seccomp profile, a pids limit,
// and no network unless the gate sets network: true.
type ImageRunner struct {
	Runc  *container.Runc
	Image *container.Prepared
	// Grace is the time between SIGTERM and SIGKILL when a command outlives
	// its timeout (default 5s).
	Grace time.Duration
}

var _ Runner = (*ImageRunner)(nil)

// OutputTail is how much of a command's output a result keeps.
const OutputTail = 4 << 10

// gatePids bounds the processes of one gate command (a test runner
// with workers fits; a fork bomb does not).
const gatePids = 1024

// RunGate runs g.Run in the image and waits for it, at most g.Timeout.
// The error is for failing to run at all (runc missing, a bad spec); the
// command's own failure is in the Test.
func (r *ImageRunner) RunGate(ctx context.Context, g config.Gate) (Test, error) {
	t := Test{Name: g.Name}
	spec, err := r.Image.Spec(container.Process{Args: g.Run}, container.Limits{Pids: gatePids})
	if err != nil {
		return t, err
	}
	if !g.Network {
		noNetwork(spec)
	}
	out := &tail{max: OutputTail}
	c, err := r.Runc.Start(spec, container.StartOptions{Name: "gate-" + g.Name, Stdout: out, Stderr: out})
	if err != nil {
		return t, err
	}
	defer c.Delete()
	timeout := g.Timeout
	if timeout <= 0 {
		timeout = config.DefaultGateTimeout
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	grace := r.Grace
	if grace <= 0 {
		grace = 5 * time.Second
	}
	select {
	case <-c.Done():
	case <-ctx.Done():
		c.Stop(grace)
	case <-timer.C:
		t.TimedOut = true
		c.Stop(grace)
	}
	code, err := c.Wait()
	if err != nil {
		return t, err
	}
	if ctx.Err() != nil {
		return t, ctx.Err()
	}
	t.ExitCode, t.Output = code, out.String()
	t.Passed = code == 0 && !t.TimedOut
	return t, nil
}

// noNetwork gives the container a network namespace of its own (only a
// loopback that is down) and drops the host's resolv.conf and hosts.
func noNetwork(s *specs.Spec) {
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.NetworkNamespace})
	ms := s.Mounts[:0]
	for _, m := range s.Mounts {
		if m.Destination != "/etc/resolv.conf" && m.Destination != "/etc/hosts" {
			ms = append(ms, m)
		}
	}
	s.Mounts = ms
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu   sync.Mutex
	max  int
	buf  []byte
	lost bool
}

func (w *tail) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
		w.lost = true
	}
	return len(p), nil
}

func (w *tail) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := strings.ToValidUTF8(string(w.buf), "\uFFFD")
	if w.lost {
		return "…" + s
	}
	return s
}

// describe says why a run gate failed.
func describe(t Test, g config.Gate) string {
	switch {
	case t.TimedOut:
		return fmt.Sprintf("stopped after its timeout (%s)", g.Timeout)
	case t.ExitCode != 0:
		return fmt.Sprintf("exit %d", t.ExitCode)
	}
	return "exit 0"
}
