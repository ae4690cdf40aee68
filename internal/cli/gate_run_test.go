package cli

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Run gates execute inside the built image (real Debian python3 under
// runc): exit codes and output tails are kept, a command that outlives its
// timeout is stopped and failed, the network is off unless the gate asks,
// and the expressions see all of it as tests[NAME] — with the image's
// Debian packages as base.packages.
func TestGateRunGatesInTheImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a real Debian-based image and runs gates in it under runc")
	}
	requireRunc(t)
	t.Setenv("TMPDIR", t.TempDir())
	image, _ := debianHello(t)
	dir := filepath.Join(strings.TrimSuffix(strings.TrimPrefix(image, "oci:"), "layout"), "gates")
	os.MkdirAll(dir, 0o755)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	connect := fmt.Sprintf(`["python3", "-c", "import socket, sys; s = socket.socket(); s.settimeout(10); sys.exit(s.connect_ex(('127.0.0.1', %d)))"]`, port)
	// A project of its own: the gates, and what any pinwheel.yaml needs.
	yml := `service: hello
base: python:3.11-slim@sha256:d1b8fbf0b29844f4399edffc04f78cb1e8962acbd69c552f5a6abc9e1ec15bcd
entrypoint: ["python3", "-m", "hello"]
gates:
  - name: imports
    run: ["python3", "-c", "import hello, greetlib, sys; print('imported', hello.__name__, 'with', sys.executable)"]
  - name: failing
    run: ["python3", "-c", "import sys; print('2 tests failed'); print('boom', file=sys.stderr); sys.exit(3)"]
  - name: slow
    run: ["python3", "-c", "import time; time.sleep(600)"]
    timeout: 2s
  - name: offline
    run: ` + connect + `
  - name: online
    run: ` + connect + `
    network: true
  - name: saw-the-runs
    expr: >-
      tests["imports"].passed && tests["imports"].output.contains("imported hello with /opt/pinwheel/venv/bin/python3") &&
      tests["failing"].exitCode == 3 && tests["failing"].output.contains("boom") &&
      tests["slow"].timedOut && !tests["offline"].passed && tests["online"].passed
  - name: debian-base
    expr: 'base.packages.exists(p, p.name == "python3.11-minimal" && p.arch == "amd64") && build.pythonVersion == "3.11"'
`
	os.WriteFile(filepath.Join(dir, "pinwheel.yaml"), []byte(yml), 0o644)
	code, stdout, stderr := runPinwheel(t, "gate", image, dir, "-o", "json", "--cache-dir", t.TempDir(), "--statement", "")
	if code != ExitNo {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	var rep struct {
		Passed bool
		Gates  []struct {
			Name, Reason, Output string
			Passed, TimedOut     bool
			ExitCode             *int
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	got := map[string]string{}
	for _, g := range rep.Gates {
		got[g.Name] = fmt.Sprintf("%v %s", g.Passed, g.Reason)
	}
	want := map[string]string{
		"imports":      "true exit 0",
		"failing":      "false exit 3",
		"slow":         "false stopped after its timeout (2s)",
		"offline":      "false exit 111", // ECONNREFUSED: its own network namespace (runc brings up only lo), where the host's listener is not
		"online":       "true exit 0",
		"saw-the-runs": "true true",
		"debian-base":  "true true",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("gate %s: %q, want %q", name, got[name], w)
		}
	}
	if rep.Passed {
		t.Error("the report passed with failed gates")
	}
	// stdout and stderr, both kept (their interleaving is the process's).
	if out := rep.Gates[1].Output; !strings.Contains(out, "2 tests failed") || !strings.Contains(out, "boom") || len(out) != len("2 tests failed\nboom\n") {
		t.Errorf("output of failing: %q", out)
	}
}
