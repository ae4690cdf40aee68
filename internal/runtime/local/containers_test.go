package local

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	ocilayout "github.com/google/go-containerregistry/pkg/v1/layout"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/debian/debiantest"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// imageAppYAML is a project whose image is testdata/app on a base of real
// Debian packages (python3.11 from Debian, not the host's).
const imageAppYAML = `service: imageapp
version: 1.0.0
python: "3.11"
base:
  debian:
    suite: bookworm
    packages: [python3.11-minimal, libpython3.11-stdlib]
    index: %s
%s
app:
  include: ["app.py"]
entrypoint: ["python3", "app.py"]
env:
  PYTHONUNBUFFERED: "1"
workdir: /app
user: "65532"
port: 8000
platforms: [linux/amd64]
`

var (
	imageOnce   sync.Once
	imageLayout string
	imageDigest string
	imageErr    error
	imageSkip   string
)

// needContainers skips t where runc cannot run containers (not root, no
// runc) or fails it under PINWHEEL_REQUIRE_DEBIAN=1.
func needContainers(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a Debian-based image and runs it under runc")
	}
	if _, err := container.Detect(); err != nil {
		debiantest.Require(t, err.Error())
	}
	debiantest.Lists(t, "bookworm")
}

// appImage builds testdata/app into an OCI layout on a real Debian base,
// once per test binary, and returns the layout and the image digest.
func appImage(t *testing.T) (string, string) {
	t.Helper()
	needContainers(t)
	imageOnce.Do(func() { imageLayout, imageDigest, imageSkip, imageErr = buildAppImage(t) })
	if imageSkip != "" {
		debiantest.Require(t, imageSkip)
	}
	if imageErr != nil {
		t.Fatal(imageErr)
	}
	return imageLayout, imageDigest
}

func buildAppImage(t *testing.T) (layout, digest, skip string, err error) {
	dir, err := os.MkdirTemp("", "pinwheel-imageapp-")
	if err != nil {
		return "", "", "", err
	}
	testDirs = append(testDirs, dir)
	proj := filepath.Join(dir, "proj")
	os.MkdirAll(proj, 0o755)
	app, _ := os.ReadFile("testdata/app/app.py")
	os.WriteFile(filepath.Join(proj, "app.py"), app, 0o644)
	os.WriteFile(filepath.Join(proj, "requirements.txt"), []byte("# the app needs only the standard library\n"), 0o644)
	write := func(pools string) error {
		return os.WriteFile(filepath.Join(proj, config.FileName), []byte(fmt.Sprintf(imageAppYAML, debiantest.AptLists, pools)), 0o644)
	}
	if err := write(""); err != nil {
		return "", "", "", err
	}
	ctx := context.Background()
	cfg, err := config.Load(proj)
	if err != nil {
		return "", "", "", err
	}
	l, _, err := build.LockBase(ctx, cfg)
	if err != nil {
		return "", "", "", err
	}
	var pkgs []debiantest.Pkg
	for _, p := range l.Packages {
		pkgs = append(pkgs, debiantest.Pkg{Name: p.Name, Version: p.Version, Arch: p.Architecture})
	}
	pool := debiantest.Pool(t, pkgs)
	if err := write("    pools: [" + pool + "]"); err != nil {
		return "", "", "", err
	}
	res, err := build.Run(ctx, build.Options{Dir: proj, CacheDir: filepath.Join(dir, "cache"), Getenv: func(string) string { return "" }, BuilderVersion: "test"})
	if err != nil {
		return "", "", "", err
	}
	layout = filepath.Join(dir, "layout")
	lp, err := ocilayout.Write(layout, empty.Index)
	if err == nil {
		err = lp.AppendImage(res.Image)
	}
	if err != nil {
		return "", "", "", err
	}
	d, _ := res.Image.Digest()
	return layout, d.String(), "", nil
}

// testDirs are removed by TestMain.
var testDirs []string

func imageRelease(t *testing.T, id string, env ...string) *runtime.Release {
	layout, digest := appImage(t)
	e := map[string]string{"RELEASE": id}
	for i := 0; i+1 < len(env); i += 2 {
		e[env[i]] = env[i+1]
	}
	return &runtime.Release{ID: id, Env: e, Artifact: runtime.Artifact{Layout: layout, Digest: digest}}
}

func nsOf(t *testing.T, pid int, ns string) string {
	t.Helper()
	l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, ns))
	if err != nil {
		t.Fatalf("namespace %s of pid %d: %v", ns, pid, err)
	}
	return l
}

// sees asks a replica, directly, what it sees.
func sees(t *testing.T, addr string, paths ...string) (out struct {
	Executable string
	Version    string
	Pid        int
	Exists     map[string]bool
}) {
	t.Helper()
	q := url.Values{"path": paths}
	resp, err := http.Get("http://" + addr + "/sees?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImageReplicasRunAsContainers(t *testing.T) {
	rt := newTestRuntime(t)
	rel := imageRelease(t, "img")
	if mode, why := rt.Mode(); mode != runtime.ModeContainer {
		t.Fatalf("mode %s (%s), want containers as root with runc", mode, why)
	}
	apply(t, rt, runtime.Desired{Stable: rel, Replicas: 2})
	o := waitConverged(t, rt)
	st := o.Releases["img"]
	if st.Mode != runtime.ModeContainer || !strings.Contains(o.Runs, "OCI containers") {
		t.Fatalf("release mode %q, runs %q: want containers", st.Mode, o.Runs)
	}
	hostPython := rt.python.exe               // the machine's python3, resolved: e.g. /root/.pyenv/versions/3.11.7/bin/python3.11
	repoFile, _ := filepath.Abs("runtime.go") // on the host, not in the image
	for _, r := range st.Replicas {
		if r.PID == 0 {
			t.Fatalf("replica %s has no pid: %+v", r.Name, r)
		}
		for _, ns := range []string{"mnt", "pid"} {
			if nsOf(t, r.PID, ns) == nsOf(t, os.Getpid(), ns) {
				t.Errorf("replica %s (pid %d) shares the test's %s namespace", r.Name, r.PID, ns)
			}
		}
		s := sees(t, r.Address, repoFile, hostPython, "/usr/bin/python3.11")
		if s.Exists[repoFile] || (s.Exists[hostPython] && !strings.HasPrefix(hostPython, "/usr/")) {
			t.Errorf("replica %s sees the host's files: %+v", r.Name, s)
		}
		if !s.Exists["/usr/bin/python3.11"] {
			t.Errorf("replica %s does not see its image's Debian python3.11: %+v", r.Name, s)
		}
		if s.Pid != 1 {
			t.Errorf("replica %s is pid %d in its PID namespace, want 1", r.Name, s.Pid)
		}
		t.Logf("replica %s (host pid %d): python %s at %s; the host's: %s %s", r.Name, r.PID, s.Version, s.Executable, rt.python.version, hostPython)
	}
	// Traffic through the proxy reaches the containers.
	if a := get(o.Endpoint + "/"); a.code != 200 || a.release != "img" {
		t.Fatalf("through the proxy: %v", a)
	}
	// Logs are captured.
	waitFor(t, "the replicas' logs", func() bool {
		lines, _ := rt.Logs(context.Background(), svc, "img", 10)
		return strings.Contains(strings.Join(lines, "\n"), "img listening on 127.0.0.1:")
	})

	// A killed replica is restarted, as a new container.
	victim := st.Replicas[0]
	syscall.Kill(victim.PID, syscall.SIGKILL)
	o = waitObserved(t, rt, "restarted and ready", func(o runtime.Observed) bool {
		r := o.Releases["img"]
		return r.Restarts >= 1 && r.Ready == 2 && r.Replicas[0].PID != victim.PID && r.Replicas[0].PID != 0
	})
	if got := o.Releases["img"].Replicas[0]; !strings.Contains(got.LastExit, "killed") && !strings.Contains(got.LastExit, "137") {
		t.Errorf("last exit %q, want the SIGKILL", got.LastExit)
	}

	// The smoke command runs in the image too.
	res, err := rt.Smoke(context.Background(), svc, "img", rollout.SmokeStep{Command: []string{"python3", "-c",
		"import os, sys, urllib.request; print(sys.version.split()[0], os.path.exists(" + fmt.Sprintf("%q", repoFile) + "), urllib.request.urlopen(os.environ['CANARY_URL'] + '/healthz').status)"}})
	if err != nil || !res.Passed {
		t.Fatalf("smoke: %v %+v", err, res)
	}
	if !strings.Contains(res.Output, "False 200") {
		t.Errorf("smoke ran where it sees the host's files, or could not reach the replica: %q", res.Output)
	}
	failed, err := rt.Smoke(context.Background(), svc, "img", rollout.SmokeStep{Command: []string{"python3", "-c", "import sys; sys.exit(4)"}})
	if err != nil || failed.Passed || !strings.Contains(failed.Reason, "exit status 4") {
		t.Errorf("failing smoke: %v %+v", err, failed)
	}

	// Stopping leaves no container, bundle or mount behind.
	stateDir := rt.stateDir
	rootfs := rt.prepared[svc+"/img"].image.Rootfs
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoContainers(t, stateDir, rootfs)
}

// assertNoContainers checks that a runtime on stateDir left no container
// in its runc state dir, no bundle, and no mount of the rootfs.
func assertNoContainers(t *testing.T, stateDir, rootfs string) {
	t.Helper()
	r, err := container.Detect()
	if err != nil {
		t.Fatal(err)
	}
	r.Root = filepath.Join(stateDir, "runc")
	if ids, err := r.List(); err != nil || len(ids) > 0 {
		t.Errorf("runc list after Close: %v %v", ids, err)
	}
	if b, _ := filepath.Glob(filepath.Join(stateDir, "bundles", "*")); len(b) > 0 {
		t.Errorf("bundles left: %v", b)
	}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), rootfs) || strings.Contains(sc.Text(), stateDir) {
			t.Errorf("mount left: %s", sc.Text())
		}
	}
}

func TestStaleContainersAreDeletedByTheNextRuntime(t *testing.T) {
	layout, digest := appImage(t)
	stateDir := t.TempDir()
	// What a SIGKILLed runtime leaves: a container running in its state dir.
	img, err := imageFromLayout(layout, digest)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := container.Prepare(context.Background(), img, filepath.Join(stateDir, "rootfs"))
	if err != nil {
		t.Fatal(err)
	}
	spec, err := pr.Spec(container.Process{Args: []string{"python3", "-c", "import time; time.sleep(600)"}}, container.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := container.Detect()
	r.Root = filepath.Join(stateDir, "runc")
	os.MkdirAll(filepath.Join(stateDir, "bundles"), 0o700)
	c, err := r.Start(spec, container.StartOptions{Name: "stale", BundleDir: filepath.Join(stateDir, "bundles")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Delete)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pid, err := c.PID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rt2, err := New(context.Background(), stateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer rt2.Close()
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatalf("the stale container (pid %d) still runs after a new runtime started on its state dir", pid)
	}
	if ids, err := r.List(); err != nil || len(ids) > 0 {
		t.Errorf("runc list: %v %v", ids, err)
	}
	if b, _ := filepath.Glob(filepath.Join(stateDir, "bundles", "*")); len(b) > 0 {
		t.Errorf("the stale container's bundle is left: %v", b)
	}
}

// waitFor polls cond, failing t after 2 minutes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// Where containers cannot (or may not) run, the same image runs as host
// processes on the machine's python3, and the observation says so.
func TestImageReplicasFallBackToHostProcesses(t *testing.T) {
	rel := imageRelease(t, "img")
	rt := newTestRuntime(t, WithContainers(false))
	if mode, why := rt.Mode(); mode != runtime.ModeProcess || why != "containers are switched off" {
		t.Fatalf("mode %s (%s)", mode, why)
	}
	apply(t, rt, runtime.Desired{Stable: rel, Replicas: 1})
	o := waitConverged(t, rt)
	st := o.Releases["img"]
	if st.Mode != runtime.ModeProcess || !strings.Contains(o.Runs, "host processes on the machine's python3, not in the release's image: containers are switched off") {
		t.Fatalf("mode %q, runs %q", st.Mode, o.Runs)
	}
	if ns := nsOf(t, st.Replicas[0].PID, "mnt"); ns != nsOf(t, os.Getpid(), "mnt") {
		t.Errorf("a host-process replica is in another mount namespace (%s)", ns)
	}
	if s := sees(t, st.Replicas[0].Address); s.Version != rt.python.version {
		t.Errorf("a host-process replica runs python %s, the host's is %s", s.Version, rt.python.version)
	}
}
