package local

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/crash"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// prepareContainer readies rel's image to run as containers: its rootfs
// unpacked once per image into the rootfs cache (read-only, shared by
// every replica and release of that image), its config and user read.
// The image carries its own Python, so the host's is not involved.
func (rt *Runtime) prepareContainer(ctx context.Context, rel runtime.Release) (launch, error) {
	img, err := imageFromLayout(rel.Artifact.Layout, rel.Artifact.Digest)
	if err != nil {
		return launch{}, fmt.Errorf("release %s: OCI layout %s: %w", rel.ID, rel.Artifact.Layout, err)
	}
	pr, err := container.Prepare(ctx, img, rt.rootfsCache)
	if err != nil {
		return launch{}, fmt.Errorf("release %s: %w", rel.ID, err)
	}
	if len(pr.Config.Entrypoint)+len(pr.Config.Cmd) == 0 {
		return launch{}, fmt.Errorf("release %s: the image has no entrypoint or cmd", rel.ID)
	}
	keys := make([]string, 0, len(rel.Env))
	for k := range rel.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var env []string
	for _, k := range keys {
		env = append(env, k+"="+rel.Env[k])
	}
	bundles := filepath.Join(rt.stateDir, "bundles")
	if err := os.MkdirAll(bundles, 0o700); err != nil {
		return launch{}, err
	}
	return launch{env: env, image: pr, runc: rt.runc, bundles: bundles, limits: rt.opts.limits}, nil
}

// startContainer starts one run of the replica as a container of its
// release's image: the image's entrypoint, cmd, env, user and working
// directory, then the release's env, PORT and PINWHEEL_REPLICA; the host's
// network (the replica listens on its port on 127.0.0.1); the runtime's
// cgroup limits; output into w.
func (r *replica) startContainer(w *lineWriter) (*container.Container, error) {
	env := append(append([]string{}, r.launch.env...), fmt.Sprintf("PORT=%d", r.port), "PINWHEEL_REPLICA="+r.name)
	spec, err := r.launch.image.Spec(container.Process{Env: env}, r.opts.limits)
	if err != nil {
		return nil, err
	}
	spec.Hostname = r.name
	return r.launch.runc.Start(spec, container.StartOptions{Name: r.service + "-" + r.name, BundleDir: r.launch.bundles, Stdout: w, Stderr: w})
}

// runContainerOnce is runOnce for a container replica.
func (r *replica) runContainerOnce(w *lineWriter) string {
	c, err := r.startContainer(w)
	if err != nil {
		return "start: " + err.Error()
	}
	defer c.Delete()
	pidCtx, cancelPID := context.WithTimeout(context.Background(), time.Minute)
	defer cancelPID()
	go func() {
		defer crash.Recover()
		if pid, err := c.PID(pidCtx); err == nil {
			r.mu.Lock()
			r.pid = pid
			r.mu.Unlock()
		}
	}()
	probeCtx, cancelProbe := context.WithCancel(context.Background())
	defer cancelProbe()
	crash.Go(func() { r.probeUntilReady(probeCtx) })
	select {
	case <-c.Done():
		code, err := c.Wait()
		if err != nil {
			return err.Error()
		}
		return containerExit(code)
	case <-r.stop:
		cancelProbe()
		r.ready.Store(false)
		c.Stop(r.opts.grace)
		return "stopped"
	}
}

// containerExit describes an exit code as exec does for processes.
func containerExit(code int) string {
	if code > 128 && code < 128+65 {
		return "signal: " + syscall.Signal(code-128).String()
	}
	return fmt.Sprintf("exit status %d", code)
}

// smokeInContainer runs a smoke command in a new container of the
// release's image (the same rootfs, env and user as its replicas) with
// CANARY_URL set; the host's network reaches the replica on loopback.
func smokeInContainer(ctx context.Context, l launch, argv []string, base string, timeout time.Duration) (runtime.SmokeResult, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	env := append(append([]string{}, l.env...), "CANARY_URL="+base)
	spec, err := l.image.Spec(container.Process{Args: argv, Env: env}, l.limits)
	if err != nil {
		return runtime.SmokeResult{}, err
	}
	var out bytes.Buffer // one writer for both: exec copies into it from one pipe
	c, err := l.runc.Start(spec, container.StartOptions{Name: "smoke", BundleDir: l.bundles, Stdout: &out, Stderr: &out})
	if err != nil {
		return runtime.SmokeResult{}, fmt.Errorf("smoke command %s: %w", strings.Join(argv, " "), err)
	}
	defer c.Delete()
	select {
	case <-c.Done():
	case <-ctx.Done():
		c.Stop(time.Second)
	}
	code, err := c.Wait()
	tail := out.String()
	if len(tail) > 2000 {
		tail = tail[len(tail)-2000:]
	}
	cmd := strings.Join(argv, " ")
	switch {
	case err != nil:
		return runtime.SmokeResult{}, fmt.Errorf("smoke command %s: %w", cmd, err)
	case ctx.Err() == context.DeadlineExceeded:
		return runtime.SmokeResult{Reason: fmt.Sprintf("%s: timed out after %s", cmd, timeout), Output: tail}, nil
	case code != 0:
		return runtime.SmokeResult{Reason: fmt.Sprintf("%s: %s (in the image)", cmd, containerExit(code)), Output: tail}, nil
	}
	return runtime.SmokeResult{Passed: true, Reason: cmd + " passed in the image", Output: tail}, nil
}
