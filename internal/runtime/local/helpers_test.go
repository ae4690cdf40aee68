package local

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/runtime"
)

const svc = "svc"

func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	if testing.Short() {
		t.Skip("starts real python3 processes")
	}
}

func newTestRuntime(t *testing.T, opts ...Option) *Runtime {
	t.Helper()
	needPython(t)
	opts = append([]Option{WithGracePeriod(2 * time.Second), WithBackoff(50*time.Millisecond, 400*time.Millisecond),
		WithDrainTimeout(5 * time.Second), WithProbeInterval(50 * time.Millisecond)}, opts...)
	rt, err := New(context.Background(), t.TempDir(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	rt.Start()
	t.Cleanup(func() { rt.Close() })
	return rt
}

// srcRelease runs testdata/app/app.py with env (RELEASE=id added).
func srcRelease(id string, env ...string) *runtime.Release {
	e := map[string]string{"RELEASE": id}
	for i := 0; i+1 < len(env); i += 2 {
		e[env[i]] = env[i+1]
	}
	dir, _ := filepath.Abs("testdata/app")
	return &runtime.Release{ID: id, Env: e, Artifact: runtime.Artifact{Source: &runtime.SourceArtifact{Dir: dir, Command: []string{"python3", "app.py"}}}}
}

func apply(t *testing.T, rt *Runtime, d runtime.Desired) {
	t.Helper()
	d.Service = svc
	if d.ReadinessPath == "" {
		d.ReadinessPath = "/healthz"
	}
	if err := rt.Apply(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

// waitConverged polls Observe until it reports convergence (deadline, not a timing assertion).
func waitConverged(t *testing.T, rt *Runtime) runtime.Observed {
	t.Helper()
	return waitObserved(t, rt, "converged", func(o runtime.Observed) bool { return o.Converged })
}

// waitObserved polls Observe until cond holds, failing t after 2 minutes
// (a hung runtime, not a slow machine).
func waitObserved(t *testing.T, rt *Runtime, what string, cond func(runtime.Observed) bool) runtime.Observed {
	t.Helper()
	var o runtime.Observed
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		o, _ = rt.Observe(context.Background(), svc)
		if cond(o) {
			return o
		}
	}
	t.Fatalf("not %s: %+v", what, o)
	return o
}

type answer struct {
	code    int
	release string
	err     error
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

func get(url string) answer {
	return send(http.MethodGet, url)
}

// send issues method (POST carries a small body, so the proxy never retries it).
func send(method, url string) answer {
	var payload io.Reader
	if method == http.MethodPost {
		payload = strings.NewReader(`{"order": 1}`)
	}
	req, _ := http.NewRequest(method, url, payload)
	resp, err := httpClient.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body struct{ Release string }
	json.Unmarshal(b, &body)
	return answer{code: resp.StatusCode, release: body.Release}
}

func endpoint(t *testing.T, rt *Runtime) string {
	o, err := rt.Observe(context.Background(), svc)
	if err != nil || o.Endpoint == "" {
		t.Fatalf("no endpoint: %v %+v", err, o)
	}
	return o.Endpoint
}

func (a answer) String() string {
	return fmt.Sprintf("%d %s %v", a.code, a.release, a.err)
}
