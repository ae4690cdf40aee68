package local_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/debian"
	"pinwheel.dev/pinwheel/internal/debian/debiantest"
	"pinwheel.dev/pinwheel/internal/demo"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

// rig is one copy of examples/shop with `pinwheel up` running for it and
// the proxy on a fixed loopback port.
type rig struct {
	t        *testing.T
	dir      string
	endpoint string
	up       *exec.Cmd
	upExited chan struct{}
}

func newRig(t *testing.T) *rig {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	if err := demo.CopyProject(filepath.Join(repoRoot(), "examples", "shop"), dir); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	r := &rig{t: t, dir: dir, endpoint: "http://" + addr}
	r.debs()
	r.startUp()
	return r
}

// debs points the copy's Debian base at a pool holding its locked .debs
// (apt-get download, the ordinary client), so no build contacts a mirror.
func (r *rig) debs() {
	r.t.Helper()
	l, err := debian.ReadLock(filepath.Join(r.dir, "base.lock"))
	if err != nil {
		r.t.Fatal(err)
	}
	var pkgs []debiantest.Pkg
	for _, p := range l.Packages {
		pkgs = append(pkgs, debiantest.Pkg{Name: p.Name, Version: p.Version, Arch: p.Architecture})
	}
	r.setYAML(`pools: \[[^\]]*\]`, "pools: ["+debiantest.Pool(r.t, pkgs)+"]")
}

// assertContainers checks that every replica of the service runs as an OCI
// container: the runtime says so, and each replica's process is in a mount
// and PID namespace of its own.
func (r *rig) assertContainers() {
	r.t.Helper()
	c, err := local.Dial(context.Background(), filepath.Join(r.dir, ".pinwheel"))
	if err != nil {
		r.t.Fatal(err)
	}
	o, err := c.Observe(context.Background(), "shop")
	if err != nil {
		r.t.Fatal(err)
	}
	if !strings.Contains(o.Runs, "OCI containers") || len(o.Releases) == 0 {
		r.t.Fatalf("the runtime does not run replicas in containers: %q %+v", o.Runs, o.Releases)
	}
	for id, rel := range o.Releases {
		if rel.Mode != runtime.ModeContainer {
			r.t.Errorf("release %s runs as %q, want %q", id, rel.Mode, runtime.ModeContainer)
		}
		for _, rep := range rel.Replicas {
			for _, ns := range []string{"mnt", "pid"} {
				theirs, err1 := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", rep.PID, ns))
				ours, err2 := os.Readlink("/proc/self/ns/" + ns)
				if err1 != nil || err2 != nil || theirs == ours {
					r.t.Errorf("replica %s (pid %d): %s namespace %q vs the test's %q (%v %v)", rep.Name, rep.PID, ns, theirs, ours, err1, err2)
				}
			}
		}
	}
}

// startUp starts `pinwheel up` for the project (again, after killUp) and
// waits until its control API answers.
func (r *rig) startUp() {
	t := r.t
	t.Helper()
	up := exec.Command(pinwheelBin, "up", r.dir, "--service-addr", "shop="+strings.TrimPrefix(r.endpoint, "http://"))
	r.up = up
	var out bytes.Buffer
	lb := &lockedBuffer{b: &out}
	up.Stdout, up.Stderr = lb, lb
	// If this test process dies, the runtime (and its replicas) stop too.
	up.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := up.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { up.Wait(); close(exited) }()
	r.upExited = exited
	t.Cleanup(func() {
		up.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			up.Process.Kill()
		}
		if t.Failed() {
			t.Logf("pinwheel up (pid %d) output:\n%s", up.Process.Pid, lb.String())
		}
	})
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if c, err := local.Dial(context.Background(), filepath.Join(r.dir, ".pinwheel")); err == nil {
			if _, err := c.Observe(context.Background(), "shop"); err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("pinwheel up did not start: %s", lb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// killUp kills `pinwheel up` with SIGKILL (its replicas are left running,
// as after a crash) and waits for it to be gone.
func (r *rig) killUp() {
	r.up.Process.Kill()
	<-r.upExited
}

// version changes the project copy: version and SHOP_FAULT in pinwheel.yaml.
func (r *rig) version(version, fault string) {
	r.t.Helper()
	path := filepath.Join(r.dir, "pinwheel.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		r.t.Fatal(err)
	}
	b = regexp.MustCompile(`(?m)^version: .*$`).ReplaceAll(b, []byte("version: "+version))
	b = regexp.MustCompile(`(?m)^(\s+SHOP_FAULT: ).*$`).ReplaceAll(b, []byte(fmt.Sprintf("${1}%q", fault)))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// setYAML replaces a line matching re in pinwheel.yaml.
func (r *rig) setYAML(re, repl string) {
	r.t.Helper()
	path := filepath.Join(r.dir, "pinwheel.yaml")
	b, _ := os.ReadFile(path)
	nb := regexp.MustCompile(re).ReplaceAll(b, []byte(repl))
	if bytes.Equal(b, nb) {
		r.t.Fatalf("pinwheel.yaml has no %s", re)
	}
	os.WriteFile(path, nb, 0o644)
}

// build runs pinwheel build into an OCI layout named name and returns its
// oci: reference.
func (r *rig) build(name string) string {
	r.t.Helper()
	layout := filepath.Join(filepath.Dir(r.dir), "images", name)
	if out, code := r.run(context.Background(), "build", r.dir, "--output", "oci:"+layout, "--cache-dir", filepath.Join(filepath.Dir(r.dir), "cache")); code != 0 {
		r.t.Fatalf("build %s: exit %d\n%s", name, code, out)
	}
	return "oci:" + layout
}

// run runs pinwheel with args and returns its combined output and exit code.
func (r *rig) run(ctx context.Context, args ...string) (string, int) {
	cmd := exec.CommandContext(ctx, pinwheelBin, args...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		r.t.Fatalf("pinwheel %s: %v", strings.Join(args, " "), err)
	}
	return string(out), 0
}

// deploy runs pinwheel deploy to the end and checks its exit code.
func (r *rig) deploy(wantCode int, args ...string) string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, code := r.run(ctx, append([]string{"deploy", r.dir}, args...)...)
	if code != wantCode {
		r.t.Fatalf("pinwheel deploy %s: exit %d, want %d\n%s", strings.Join(args, " "), code, wantCode, out)
	}
	return out
}

// load starts the load generator on the proxy. Clients arrive once the
// service first has a ready replica (a service nobody could reach yet has
// no clients), then stay.
func (r *rig) load() *demo.Load {
	ctx := context.Background()
	var ready atomic.Bool
	endpoint := func() string {
		if ready.Load() {
			return r.endpoint
		}
		c, err := local.Dial(ctx, filepath.Join(r.dir, ".pinwheel"))
		if err != nil {
			return ""
		}
		o, err := c.Observe(ctx, "shop")
		if err != nil {
			return ""
		}
		for _, rel := range o.Releases {
			if rel.Ready > 0 {
				ready.Store(true)
				return r.endpoint
			}
		}
		return ""
	}
	l := demo.StartLoad(ctx, endpoint, 4, 10*time.Millisecond)
	r.t.Cleanup(func() { l.Stop() })
	return l
}

// ledger opens the project's ledger (read side; the deploy processes write).
func (r *rig) ledger() ledger.Store {
	r.t.Helper()
	s, err := ledgerdb.Open(context.Background(), filepath.Join(r.dir, ".pinwheel", "ledger.db"))
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { s.Close() })
	return s
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// lockedBuffer lets a background process write while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
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
