package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/debian"
	"pinwheel.dev/pinwheel/internal/debian/debiantest"
)

var helloBaseLine = regexp.MustCompile(`(?m)^base: oci:base@sha256:[0-9a-f]+$`)

// debianHello builds examples/hello on a base of real Debian packages
// (resolved against the machine's apt index, .debs from apt-get download)
// with `pinwheel base lock` and `pinwheel build`, writing the image as an
// OCI layout and as a tarball. It returns their oci: and tar: refs.
func debianHello(t *testing.T) (ociRef, tarRef string) {
	t.Helper()
	debiantest.Lists(t, "bookworm")
	dir := copyHello(t)
	yml := filepath.Join(dir, "pinwheel.yaml")
	b, _ := os.ReadFile(yml)
	base := "base:\n  debian:\n    suite: bookworm\n    packages: [python3.11-minimal, libpython3.11-stdlib]\n    index: " + debiantest.AptLists + "\n"
	if !helloBaseLine.Match(b) {
		t.Fatal("examples/hello/pinwheel.yaml no longer has the base line this test replaces")
	}
	os.WriteFile(yml, helloBaseLine.ReplaceAll(b, []byte(base)), 0o644)
	if code, _, stderr := runPinwheel(t, "base", "lock", "-q", dir); code != 0 {
		t.Fatalf("base lock: exit %d: %s", code, stderr)
	}
	l, err := debian.ReadLock(filepath.Join(dir, "base.lock"))
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []debiantest.Pkg
	for _, p := range l.Packages {
		pkgs = append(pkgs, debiantest.Pkg{Name: p.Name, Version: p.Version, Arch: p.Architecture})
	}
	pool := debiantest.Pool(t, pkgs)
	os.WriteFile(yml, helloBaseLine.ReplaceAll(b, []byte(base+"    pools: ["+pool+"]\n")), 0o644)
	out := t.TempDir()
	ociRef, tarRef = "oci:"+filepath.Join(out, "layout"), "tar:"+filepath.Join(out, "hello.tar")
	if code, _, stderr := runPinwheel(t, "build", dir, "--cache-dir", t.TempDir(), "--output", ociRef, "--output", tarRef); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	return ociRef, tarRef
}

// requireRunc skips (or fails under PINWHEEL_REQUIRE_DEBIAN=1) where no
// OCI runtime can run.
func requireRunc(t *testing.T) {
	t.Helper()
	if _, err := container.Detect(); err != nil {
		debiantest.Require(t, err.Error())
	}
}

func TestRunCommandInImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a real Debian-based image and runs it under runc")
	}
	requireRunc(t)
	// Bundles go to the temp dir: this test's own, so what other packages'
	// containers (source builds, replicas) hold meanwhile is not counted.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ociRef, tarRef := debianHello(t)
	cache := t.TempDir()
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runPinwheel(t, append([]string{"run", "--cache-dir", cache}, args...)...)
	}
	hostNS, err := os.Readlink("/proc/self/ns/mnt")
	if err != nil {
		t.Fatal(err)
	}
	hostPython, _ := exec.LookPath("python3")

	probe := `import greetlib, os, sys; print(sys.executable); print(os.readlink("/proc/self/ns/mnt")); print(os.path.exists(sys.argv[1])); print(os.getuid())`
	for _, ref := range []string{ociRef, tarRef} {
		code, stdout, stderr := run(ref, "--", "python3", "-c", probe, hostPython)
		if code != 0 {
			t.Fatalf("run %s: exit %d: %s", ref, code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if len(lines) != 4 {
			t.Fatalf("run %s: stdout %q", ref, stdout)
		}
		if lines[0] != "/opt/pinwheel/venv/bin/python3" {
			t.Errorf("%s: sys.executable = %s, want the image's venv python (the host's is %s)", ref, lines[0], hostPython)
		}
		if lines[1] == hostNS {
			t.Errorf("%s: the process shares the test's mount namespace %s", ref, hostNS)
		}
		if hostPython != "" && lines[2] != "False" {
			t.Errorf("%s: the host's python %s is visible in the container", ref, hostPython)
		}
		if lines[3] != "65532" {
			t.Errorf("%s: uid %s, want the image's user 65532", ref, lines[3])
		}
	}

	cases := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"exit_code_passes_through", []string{ociRef, "--", "python3", "-c", "import sys; sys.exit(7)"}, 7, "", ""},
		{"root_is_read_only", []string{ociRef, "--", "python3", "-c", "open('/usr/x', 'w')"}, 1, "", "Read-only file system"},
		{"tmp_is_writable", []string{ociRef, "--", "python3", "-c", "open('/tmp/x', 'w').write('ok'); print(open('/tmp/x').read())"}, 0, "ok\n", ""},
		{"env_and_workdir", []string{ociRef, "-e", "GREETING=hi", "-w", "/tmp", "--", "python3", "-c", "import os; print(os.environ['GREETING'], os.getcwd())"}, 0, "hi /tmp\n", ""},
		{"no_capabilities_no_new_privileges", []string{ociRef, "--", "python3", "-c", "s = open('/proc/self/status').read(); print(s.split('CapEff:')[1].split()[0], s.split('NoNewPrivs:')[1].split()[0])"}, 0, "0000000000000000 1\n", ""},
		{"memory_limit", []string{ociRef, "--memory", "64Mi", "--", "python3", "-c", "c = dict(l.split(':', 2)[1:] for l in open('/proc/self/cgroup').read().splitlines()); print(open('/sys/fs/cgroup/memory' + c['memory'] + '/memory.limit_in_bytes').read().strip())"}, 0, "67108864\n", ""},
		{"timeout_stops_the_command", []string{ociRef, "--timeout", "1s", "--grace", "1s", "--", "python3", "-c", "import time; time.sleep(600)"}, 124, "", "outlived --timeout 1s"},
		{"missing_command", []string{ociRef, "--", "no-such-command"}, 1, "", "no-such-command"},
		{"bad_image_path", []string{"oci:" + filepath.Join(t.TempDir(), "nope"), "--", "python3"}, 2, "", "no such file"},
		{"bad_memory", []string{ociRef, "--memory", "lots", "--", "python3"}, 2, "", "--memory"},
		{"bad_env", []string{ociRef, "-e", "NOEQUALS", "--", "python3"}, 2, "", "KEY=VALUE"},
		{"command_without_dash", []string{ociRef, "python3"}, 2, "", "after --"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := run(c.args...)
			if code != c.wantCode || (c.wantStdout != "" && stdout != c.wantStdout) || !strings.Contains(stderr, c.wantStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr with %q", code, stdout, stderr, c.wantCode, c.wantStdout, c.wantStderr)
			}
		})
	}
	t.Run("signals_are_forwarded", func(t *testing.T) { signalForwarded(t, ociRef, cache) })
	assertNothingLeft(t, cache)
	t.Run("podman_runs_the_same_image", func(t *testing.T) { runUnderPodman(t, tarRef) })
}

// runUnderPodman proves the image is standard: Debian's podman runs the
// tarball `pinwheel build --output tar:` wrote, with a store of its own
// (vfs, in a temp dir) so nothing lands in the machine's. The rlimits are
// set explicitly: podman's defaults exceed what root may set here.
func runUnderPodman(t *testing.T, tarRef string) {
	if _, err := exec.LookPath("podman"); err != nil {
		debiantest.Require(t, "no podman (scripts/setup.sh installs it)")
	}
	// podman wants a runroot under 50 characters: /tmp itself, not the
	// test's (nested) TMPDIR.
	store, err := os.MkdirTemp("/tmp", "pw-podman-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(store) })
	cmd := exec.Command("podman", "--root", filepath.Join(store, "root"), "--runroot", filepath.Join(store, "run"), "--storage-driver", "vfs",
		"run", "--rm", "--network", "host", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
		"--entrypoint", "python3", "docker-archive:"+strings.TrimPrefix(tarRef, "tar:"),
		"-c", "import greetlib, sys; print(sys.executable)")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("podman run: %v\n%s%s", err, out, stderr)
	}
	if got := strings.TrimSpace(string(out)); got != "/opt/pinwheel/venv/bin/python3" {
		t.Errorf("under podman sys.executable = %q, want the image's venv python", got)
	}
}

// signalForwarded runs a process that exits 42 on SIGUSR1 and sends it
// one through Options.Signals once it says it is ready.
func signalForwarded(t *testing.T, ociRef, cache string) {
	img, err := container.OpenImage(ociRef)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := container.Detect()
	if err != nil {
		t.Fatal(err)
	}
	sigs := make(chan os.Signal, 1)
	ready := &readyWriter{ready: make(chan struct{})}
	go func() {
		<-ready.ready
		sigs <- syscall.SIGUSR1
	}()
	// A safety net, not a timing assertion: without forwarding, the run
	// ends at this deadline with SIGKILL (137), not 42.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := rc.Run(ctx, img, container.Options{
		Process:  container.Process{Args: []string{"python3", "-c", "import signal, sys; signal.signal(signal.SIGUSR1, lambda *a: sys.exit(42)); print('ready', flush=True); signal.pause()"}},
		CacheDir: cache, Signals: sigs, Grace: time.Second, Stdout: ready, Stderr: os.Stderr,
	})
	if err != nil || res.ExitCode != 42 {
		t.Fatalf("exit %d, %v; want 42 from the forwarded SIGUSR1", res.ExitCode, err)
	}
}

// readyWriter closes ready when "ready" is written to it.
type readyWriter struct {
	mu    sync.Mutex
	buf   strings.Builder
	ready chan struct{}
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	had := strings.Contains(w.buf.String(), "ready")
	w.buf.Write(p)
	if !had && strings.Contains(w.buf.String(), "ready") {
		close(w.ready)
	}
	return len(p), nil
}

// assertNothingLeft checks that runs left no runc container, bundle,
// mount or half-unpacked rootfs behind.
func assertNothingLeft(t *testing.T, cache string) {
	t.Helper()
	// runc's state is the machine's: only containers whose bundle was in
	// this test's temp dir are its own.
	out, err := exec.Command("runc", "list", "-f", "json").Output()
	if err != nil {
		t.Fatalf("runc list: %v", err)
	}
	var listed []struct {
		ID     string `json:"id"`
		Bundle string `json:"bundle"`
	}
	if err := json.Unmarshal(out, &listed); err != nil && strings.TrimSpace(string(out)) != "null" {
		t.Fatalf("runc list -f json: %v: %s", err, out)
	}
	for _, c := range listed {
		if strings.HasPrefix(c.Bundle, os.TempDir()+string(filepath.Separator)) {
			t.Errorf("runc still lists container %s (bundle %s)", c.ID, c.Bundle)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(os.TempDir(), "pinwheel-bundle-*")); len(m) != 0 {
		t.Errorf("bundles left behind: %v", m)
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mi), cache) {
		t.Errorf("mounts under the rootfs cache %s remain", cache)
	}
	if m, _ := filepath.Glob(filepath.Join(cache, "sha256", ".unpack-*")); len(m) != 0 {
		t.Errorf("half-unpacked rootfs left: %v", m)
	}
}
