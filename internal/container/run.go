package container

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Options say how Run runs one process in an image.
type Options struct {
	Process
	Limits
	CacheDir string           // rootfs cache; one directory per image digest
	Grace    time.Duration    // after ctx ends: SIGTERM, this long, then SIGKILL (default 10s)
	Signals  <-chan os.Signal // forwarded to the container's process as they arrive
	Stdin    io.Reader
	Stdout   io.Writer
	Stderr   io.Writer
}

// Result is how the run went.
type Result struct {
	ExitCode int    // the process's exit code; 128+N when signal N ended it
	ID       string // the runc container id (gone when Run returns)
	Digest   string // the image's digest
	Rootfs   string
	CacheHit bool          // the rootfs was already unpacked
	Unpack   time.Duration // time spent getting the rootfs
	Ended    error         // ctx.Err() when ctx ended the run (timeout, interrupt)
}

// Run runs o's process in img under runc and waits for it: the rootfs
// from the cache (unpacked on first use), a fresh bundle directory holding
// only config.json, a unique container id, stdio passed through (no
// terminal). Signals from o.Signals are forwarded (`runc kill`); when ctx
// ends first the process gets SIGTERM, then SIGKILL after o.Grace. The container and the bundle are deleted
// whatever happens. The error is for failures to run at all; the
// process's own failure is Result.ExitCode.
func (r *Runc) Run(ctx context.Context, img v1.Image, o Options) (Result, error) {
	start := time.Now()
	rootfs, hit, err := Rootfs(ctx, img, o.CacheDir)
	if err != nil {
		return Result{}, err
	}
	d, _ := img.Digest()
	res := Result{Digest: d.String(), Rootfs: rootfs, CacheHit: hit, Unpack: time.Since(start)}
	cf, err := img.ConfigFile()
	if err != nil {
		return res, fmt.Errorf("image config: %w", err)
	}
	u, err := ResolveUser(ctx, rootfs, cf.Config.User)
	if err != nil {
		return res, err
	}
	lim := o.Limits
	lim.NoFile = noFile(lim.NoFile)
	spec := Spec(cf.Config, rootfs, u, o.Process, lim)
	if len(spec.Process.Args) == 0 {
		return res, inputf("the image has no entrypoint or cmd: give a command after --")
	}
	bundle, err := os.MkdirTemp("", "pinwheel-bundle-*")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(bundle)
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return res, err
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), b, 0o600); err != nil {
		return res, err
	}
	res.ID = newID()
	defer r.delete(res.ID)
	code, err := r.run(ctx, bundle, res.ID, o)
	res.ExitCode = code
	if ctx.Err() != nil {
		res.Ended = ctx.Err()
	}
	return res, err
}

// run is `runc run --bundle DIR ID` in the foreground, ended by ctx.
func (r *Runc) run(ctx context.Context, bundle, id string, o Options) (int, error) {
	cmd := r.command("run", "--bundle", bundle, id)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdin, o.Stdout, o.Stderr
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start runc: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	err := r.wait(ctx, id, o, done)
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

// wait forwards o.Signals to the container as they come and, once ctx
// ends, sends SIGTERM and SIGKILL o.Grace later; it returns runc's wait
// result.
func (r *Runc) wait(ctx context.Context, id string, o Options, done <-chan error) error {
	ended := ctx.Done()
	var kill <-chan time.Time
	for {
		select {
		case err := <-done:
			return err
		case sig := <-o.Signals:
			if n, ok := sig.(syscall.Signal); ok {
				r.kill(id, strconv.Itoa(int(n)))
			}
		case <-ended:
			ended = nil
			r.kill(id, "TERM")
			t := time.NewTimer(grace(o.Grace))
			defer t.Stop()
			kill = t.C
		case <-kill:
			kill = nil
			r.kill(id, "KILL")
		}
	}
}

func (r *Runc) kill(id, sig string) {
	_ = r.command("kill", id, sig).Run() // the container may be gone already
}

// delete removes the container whatever its state; `runc run` usually
// removed it already.
func (r *Runc) delete(id string) {
	_ = r.command("delete", "-f", id).Run()
}

func grace(d time.Duration) time.Duration {
	if d <= 0 {
		return 10 * time.Second
	}
	return d
}

// noFile is the open-files limit to ask for: want, or the hard limit this
// process holds when want is 0 or above it (runc cannot raise it here:
// root lacks CAP_SYS_RESOURCE in these VMs).
func noFile(want uint64) uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return want
	}
	if want == 0 || want > rl.Max {
		return rl.Max
	}
	return want
}

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "pinwheel-" + hex.EncodeToString(b)
}
