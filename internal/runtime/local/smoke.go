package local

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Smoke runs spec against the release's ready replicas: every HTTP probe
// directly at every ready replica (not through the traffic split), then the
// command in the release's environment (its venv python for
// python/python3) with CANARY_URL set to one ready replica.
func (rt *Runtime) Smoke(ctx context.Context, name, id string, spec rollout.SmokeStep) (runtime.SmokeResult, error) {
	s := rt.lookup(name)
	if s == nil {
		return runtime.SmokeResult{}, fmt.Errorf("no service %s", name)
	}
	s.mu.Lock()
	rel := s.releases[id]
	s.mu.Unlock()
	if rel == nil {
		return runtime.SmokeResult{}, fmt.Errorf("service %s has no release %s", name, id)
	}
	reps := rel.readyReplicas()
	if len(reps) == 0 {
		return runtime.SmokeResult{Passed: false, Reason: "no ready replica of " + id}, nil
	}
	timeout := time.Duration(spec.Timeout)
	if timeout <= 0 {
		timeout = time.Duration(rollout.DefaultSmokeTimeout)
	}
	client := &http.Client{Timeout: timeout}
	for _, rep := range reps {
		for _, probe := range spec.HTTP {
			if reason := probeOnce(ctx, client, rep, probe); reason != "" {
				return runtime.SmokeResult{Reason: reason}, nil
			}
		}
	}
	if len(spec.Command) == 0 {
		return runtime.SmokeResult{Passed: true, Reason: fmt.Sprintf("%d HTTP probes passed on %d replicas", len(spec.HTTP), len(reps))}, nil
	}
	return runCommand(ctx, rel.launch, spec.Command, "http://"+reps[0].addr(), timeout)
}

// probeOnce GETs probe.Path on rep; it returns why it failed, or "".
func probeOnce(ctx context.Context, client *http.Client, rep *replica, probe rollout.HTTPProbe) string {
	want := probe.ExpectStatus
	if want == 0 {
		want = rollout.DefaultExpectStatus
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+rep.addr()+probe.Path, nil)
	if err != nil {
		return fmt.Sprintf("GET %s: %v", probe.Path, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Sprintf("GET %s on %s: %v", probe.Path, rep.name, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Sprintf("GET %s on %s: status %d, expected %d", probe.Path, rep.name, resp.StatusCode, want)
	}
	return ""
}

func runCommand(ctx context.Context, l launch, command []string, base string, timeout time.Duration) (runtime.SmokeResult, error) {
	env := append(append([]string{}, l.env...), "CANARY_URL="+base)
	lookup := func(k string) string {
		for i := len(env) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(env[i], k+"="); ok {
				return v
			}
		}
		return ""
	}
	argv := make([]string, len(command))
	for i, a := range command {
		argv[i] = os.Expand(a, lookup)
	}
	if l.image != nil {
		return smokeInContainer(ctx, l, argv, base, timeout)
	}
	if isPythonName(argv[0]) {
		argv[0] = l.python
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = l.dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	tail := out.String()
	if len(tail) > 2000 {
		tail = tail[len(tail)-2000:]
	}
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return runtime.SmokeResult{Reason: fmt.Sprintf("%s: timed out after %s", strings.Join(command, " "), timeout), Output: tail}, nil
	case err != nil:
		if _, ok := err.(*exec.ExitError); !ok {
			return runtime.SmokeResult{}, fmt.Errorf("smoke command %s: %w", strings.Join(command, " "), err)
		}
		return runtime.SmokeResult{Reason: fmt.Sprintf("%s: %v", strings.Join(command, " "), err), Output: tail}, nil
	}
	return runtime.SmokeResult{Passed: true, Reason: strings.Join(command, " ") + " passed", Output: tail}, nil
}
