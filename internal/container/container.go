package container

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"pinwheel.dev/pinwheel/internal/crash"
	"strconv"
	"strings"
	"syscall"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Prepared is an image ready to run: its rootfs unpacked (once per image,
// shared and read-only), its config read and its user resolved. Any number
// of containers may run from one Prepared at a time.
type Prepared struct {
	Rootfs   string
	Digest   string // the image's manifest digest
	Config   v1.Config
	User     User
	CacheHit bool   // the rootfs was already unpacked
	Pruned   Pruned // what unpacking it pruned from the cache (DefaultRetention)

	lock *lockedEntry // shared: PruneRootfs leaves the tree alone
}

// Prepare unpacks img into cache (see Rootfs) and reads what a container
// of it needs. The tree is marked used now and held until Close, so
// PruneRootfs does not remove it meanwhile.
func Prepare(ctx context.Context, img v1.Image, cache string) (pr *Prepared, err error) {
	dir, err := rootfsPath(img, cache)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return nil, err
	}
	lock, err := lockEntry(dir, syscall.LOCK_SH)
	if err != nil {
		return nil, fmt.Errorf("rootfs cache: %w", err)
	}
	defer func() {
		if err != nil {
			lock.unlock()
		}
	}()
	rootfs, hit, err := Rootfs(ctx, img, cache)
	if err != nil {
		return nil, err
	}
	if err := markUsed(rootfs); err != nil {
		return nil, fmt.Errorf("rootfs cache: %w", err)
	}
	var pruned Pruned
	if !hit { // the cache grew: bound it (trees in use stay)
		if pruned, err = PruneRootfs(cache, DefaultRetention, time.Now()); err != nil {
			return nil, fmt.Errorf("rootfs cache: %w", err)
		}
	}
	d, err := img.Digest()
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("image config: %w", err)
	}
	u, err := ResolveUser(ctx, rootfs, cf.Config.User)
	if err != nil {
		return nil, err
	}
	return &Prepared{Rootfs: rootfs, Digest: d.String(), Config: cf.Config, User: u, CacheHit: hit, Pruned: pruned, lock: lock}, nil
}

// Close lets PruneRootfs remove the tree once no container of it runs.
func (pr *Prepared) Close() { pr.lock.unlock() }

// Spec is the runtime spec for running p in the image (see Spec), with the
// open-files limit clamped to what this process may grant and the default
// seccomp profile for this host's kernel.
func (pr *Prepared) Spec(p Process, lim Limits) (*specs.Spec, error) {
	lim.NoFile = noFile(lim.NoFile)
	s := Spec(pr.Config, pr.Rootfs, pr.User, p, lim)
	if len(s.Process.Args) == 0 {
		return nil, inputf("the image has no entrypoint or cmd: give a command")
	}
	if err := applySeccomp(s); err != nil {
		return nil, err
	}
	return s, nil
}

// StartOptions say where a started container's output goes and where its
// bundle lives.
type StartOptions struct {
	// Name goes into the container id (pinwheel-NAME-<8 hex>) so `runc
	// list` says which container is which; characters runc does not
	// accept become '_'.
	Name string
	// BundleDir is the parent of the container's bundle directory (default
	// the temp dir); the bundle is removed by Delete.
	BundleDir string
	Stdin     io.Reader
	Stdout    io.Writer
	Stderr    io.Writer
}

// Container is one running container started by Start: `runc run` in the
// foreground (so its output is ours to capture and its exit is ours to
// wait for), in a process group of its own so a terminal's Ctrl-C reaches
// pinwheel, not the container.
type Container struct {
	ID     string
	r      *Runc
	bundle string
	cmd    *exec.Cmd
	done   chan struct{}
	code   int
	err    error
}

// Start runs spec as a new container with a unique id and returns once
// runc has started (not once the process is up: see PID). Call Wait for
// its end and Delete afterwards.
func (r *Runc) Start(spec *specs.Spec, o StartOptions) (*Container, error) {
	if r.Root != "" {
		if err := os.MkdirAll(r.Root, 0o700); err != nil {
			return nil, err
		}
	}
	bundle, err := os.MkdirTemp(o.BundleDir, "pinwheel-bundle-*")
	if err != nil {
		return nil, err
	}
	if bundle, err = filepath.Abs(bundle); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(bundle, "config.json"), b, 0o600)
	}
	if err != nil {
		os.RemoveAll(bundle)
		return nil, err
	}
	c := &Container{ID: containerID(o.Name), r: r, bundle: bundle, done: make(chan struct{})}
	c.cmd = r.command("run", "--bundle", bundle, "--pid-file", c.pidFile(), c.ID)
	c.cmd.Stdin, c.cmd.Stdout, c.cmd.Stderr = o.Stdin, o.Stdout, o.Stderr
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		os.RemoveAll(bundle)
		return nil, fmt.Errorf("start runc: %w", err)
	}
	go func() {
		defer crash.Recover()
		c.code, c.err = exitCode(c.cmd.Wait())
		close(c.done)
	}()
	return c, nil
}

func (c *Container) pidFile() string { return filepath.Join(c.bundle, "pid") }

// PID waits until the container's process exists and returns its pid in
// this (the host's) PID namespace. It fails when the container ended first
// or ctx ends.
func (c *Container) PID(ctx context.Context) (int, error) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		if b, err := os.ReadFile(c.pidFile()); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				return pid, nil
			}
		}
		select {
		case <-c.done:
			return 0, fmt.Errorf("container %s ended before its process started", c.ID)
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-t.C:
		}
	}
}

// Done is closed when the container's process has ended.
func (c *Container) Done() <-chan struct{} { return c.done }

// Wait waits for the container's process to end and returns its exit code
// (128+N when signal N ended it). The error is for runc failing to run it.
func (c *Container) Wait() (int, error) {
	<-c.done
	return c.code, c.err
}

// Signal sends sig to the container's process (`runc kill`); a container
// already gone is not an error.
func (c *Container) Signal(sig syscall.Signal) {
	_ = c.r.command("kill", c.ID, strconv.Itoa(int(sig))).Run()
}

// Stop sends SIGTERM, then SIGKILL after grace, and waits for the end.
func (c *Container) Stop(grace time.Duration) {
	c.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
		return
	case <-time.After(grace):
	}
	c.Signal(syscall.SIGKILL)
	<-c.done
}

// Delete removes the container whatever its state (`runc delete -f`, which
// kills what still runs) and its bundle; `runc run` has usually removed
// the container already.
func (c *Container) Delete() {
	c.r.delete(c.ID)
	os.RemoveAll(c.bundle)
}

// exitCode turns runc's wait result into the process's exit code.
func exitCode(err error) (int, error) {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	return 0, fmt.Errorf("runc run: %w", err)
}

// List returns the ids of the containers in r's state directory.
func (r *Runc) List() ([]string, error) {
	if r.Root != "" {
		if _, err := os.Stat(r.Root); os.IsNotExist(err) {
			return nil, nil
		}
	}
	out, err := r.command("list", "-q").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("runc list: %w: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return nil, fmt.Errorf("runc list: %w", err)
	}
	return strings.Fields(string(out)), nil
}

// Cleanup deletes every container in r's state directory (`runc delete
// -f`): what a crashed supervisor left running. Use it only with a state
// directory of one's own (Root set). It returns the ids it deleted.
func (r *Runc) Cleanup() ([]string, error) {
	if r.Root == "" {
		return nil, errors.New("runc cleanup: refusing to delete every container in runc's default state directory")
	}
	ids, err := r.List()
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		r.delete(id)
	}
	return ids, nil
}

// containerID is a unique id, with name in it for people.
func containerID(name string) string {
	id := newID()
	if name == "" {
		return id
	}
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' {
			return r
		}
		return '_'
	}, name)
	if len(name) > 64 {
		name = name[:64]
	}
	return "pinwheel-" + name + "-" + id[len(id)-8:]
}
