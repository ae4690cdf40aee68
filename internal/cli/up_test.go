package cli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"pinwheel.dev/pinwheel/internal/container"
	"strings"
	"sync"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

type upOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *upOutput) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *upOutput) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// pinwheel up hosts a runtime a separate client drives through the state
// file; a second up for the same project is refused; cancelling (what
// SIGTERM does in main) stops the replicas and removes the state file.
func TestUpServesTheControlAPI(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil || testing.Short() {
		t.Skip("needs python3 processes")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb upOutput
	codec := make(chan int, 1)
	go func() {
		codec <- Execute(ctx, Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, []string{"up", dir})
	}()
	stateDir := filepath.Join(dir, ".pinwheel")
	var c *local.Client
	for deadline := time.Now().Add(2 * time.Minute); c == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, _ = local.Dial(ctx, stateDir)
	}
	if c == nil {
		t.Fatalf("up never became reachable: %s %s", out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "pinwheel up: local runtime ready") {
		t.Errorf("stdout %q", out.String())
	}
	wantRuns := "replicas     host processes on the machine's python3, not in the release's image: no OCI runtime"
	if _, err := container.Detect(); err == nil {
		wantRuns = "replicas     OCI containers of each release's image under "
	}
	for deadline := time.Now().Add(time.Minute); !strings.Contains(out.String(), wantRuns) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond) // the lines after "ready" may still be on their way
	}
	if !strings.Contains(out.String(), wantRuns) {
		t.Errorf("up does not say how replicas run (%q): %q", wantRuns, out.String())
	}
	app, _ := filepath.Abs("../runtime/local/testdata/app")
	rel := &runtime.Release{ID: "v1", Env: map[string]string{"RELEASE": "v1"},
		Artifact: runtime.Artifact{Source: &runtime.SourceArtifact{Dir: app, Command: []string{"python3", "app.py"}}}}
	if err := c.Apply(ctx, runtime.Desired{Service: "web", Stable: rel, Replicas: 1, ReadinessPath: "/healthz"}); err != nil {
		t.Fatal(err)
	}
	var o runtime.Observed
	for deadline := time.Now().Add(2 * time.Minute); !o.Converged && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		o, _ = c.Observe(ctx, "web")
	}
	resp, err := http.Get(o.Endpoint + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("service through the proxy: %v %v", resp, err)
	}
	if o.Releases["v1"].Mode != runtime.ModeProcess || o.Runs == "" {
		t.Errorf("a source release runs as a host process, and the observation says how replicas run: mode %q, runs %q", o.Releases["v1"].Mode, o.Runs)
	}
	resp.Body.Close()

	code, _, stderr := runPinwheel(t, "up", dir)
	if code != ExitUsage || !strings.Contains(stderr, "a local runtime already runs for") {
		t.Errorf("second up: exit %d, stderr %q", code, stderr)
	}

	cancel()
	if code := <-codec; code != ExitOK {
		t.Errorf("up exit %d, stderr %s", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(stateDir, local.StateFileName)); !os.IsNotExist(err) {
		t.Errorf("state file left behind: %v", err)
	}
	if _, err := http.Get(o.Endpoint + "/"); err == nil {
		t.Error("proxy still answers after up stopped")
	}
}

func TestUpBadLimits(t *testing.T) {
	for _, args := range [][]string{{"--memory", "lots"}, {"--cpus", "-1"}, {"--pids", "-2"}} {
		code, _, stderr := runPinwheel(t, append([]string{"up", t.TempDir()}, args...)...)
		if code != ExitUsage || !strings.Contains(stderr, args[0]) {
			t.Errorf("up %v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestUpBadServiceAddr(t *testing.T) {
	code, _, stderr := runPinwheel(t, "up", t.TempDir(), "--service-addr", "nonsense")
	if code != ExitUsage || !strings.Contains(stderr, "expected SERVICE=HOST:PORT") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// A state file left by a runtime that died (nothing listens at its address)
// does not stop a new `pinwheel up`, which replaces it.
func TestUpReplacesAStaleStateFile(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil || testing.Short() {
		t.Skip("needs python3")
	}
	dir := t.TempDir()
	stateDir := filepath.Join(dir, ".pinwheel")
	os.MkdirAll(stateDir, 0o755)
	stale := `{"addr": "127.0.0.1:1", "token": "old", "pid": 1}`
	os.WriteFile(filepath.Join(stateDir, local.StateFileName), []byte(stale), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb upOutput
	codec := make(chan int, 1)
	go func() {
		codec <- Execute(ctx, Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, []string{"up", dir})
	}()
	var c *local.Client
	for deadline := time.Now().Add(2 * time.Minute); c == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, _ = local.Dial(ctx, stateDir)
	}
	if c == nil {
		t.Fatalf("up did not replace the stale state file: %s", errb.String())
	}
	if st, _ := local.ReadState(stateDir); st.Token == "old" {
		t.Error("state file still the stale one")
	}
	cancel()
	if code := <-codec; code != ExitOK {
		t.Errorf("exit %d: %s", code, errb.String())
	}
}

// Listening on all interfaces is said on stderr before anything else.
func TestUpWarnsOnAllInterfaces(t *testing.T) {
	for _, tc := range []struct {
		addr string
		warn bool
	}{
		{"0.0.0.0:0", true}, {":8080", true}, {"[::]:0", true},
		{"127.0.0.1:0", false}, {"[::1]:0", false}, {"localhost:0", false}, {"10.0.0.5:0", false},
	} {
		t.Run(strings.NewReplacer(":", "_", "[", "", "]", "").Replace(tc.addr), func(t *testing.T) {
			// --service-addr nonsense stops the command before it listens.
			code, _, stderr := runPinwheel(t, "up", t.TempDir(), "--addr", tc.addr, "--service-addr", "nonsense")
			if code != ExitUsage {
				t.Fatalf("exit %d", code)
			}
			if got := strings.Contains(stderr, "listens on all interfaces"); got != tc.warn {
				t.Fatalf("warned %v, want %v: %q", got, tc.warn, stderr)
			}
		})
	}
}
