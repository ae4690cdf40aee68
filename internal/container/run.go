package container

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
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
	pr, err := Prepare(ctx, img, o.CacheDir)
	if err != nil {
		return Result{}, err
	}
	defer pr.Close()
	res := Result{Digest: pr.Digest, Rootfs: pr.Rootfs, CacheHit: pr.CacheHit, Unpack: time.Since(start)}
	spec, err := pr.Spec(o.Process, o.Limits)
	if err != nil {
		return res, err
	}
	c, err := r.Start(spec, StartOptions{Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr})
	if err != nil {
		return res, err
	}
	res.ID = c.ID
	defer c.Delete()
	r.wait(ctx, c, o)
	res.ExitCode, err = c.Wait()
	if ctx.Err() != nil {
		res.Ended = ctx.Err()
	}
	return res, err
}

// wait forwards o.Signals to the container as they come and, once ctx
// ends, sends SIGTERM and SIGKILL o.Grace later; it returns when the
// container has ended.
func (r *Runc) wait(ctx context.Context, c *Container, o Options) {
	ended := ctx.Done()
	var kill <-chan time.Time
	for {
		select {
		case <-c.Done():
			return
		case sig := <-o.Signals:
			if n, ok := sig.(syscall.Signal); ok {
				c.Signal(n)
			}
		case <-ended:
			ended = nil
			c.Signal(syscall.SIGTERM)
			t := time.NewTimer(grace(o.Grace))
			defer t.Stop()
			kill = t.C
		case <-kill:
			kill = nil
			c.Signal(syscall.SIGKILL)
		}
	}
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
