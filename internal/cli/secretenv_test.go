package cli

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

// `pinwheel deploy --source` of a project with an env: value and a
// secretEnv reference, on a real `pinwheel up`: the replica gets both
// values (its answer carries the secret), and no file under .pinwheel (the
// ledger, the runtime's state; not the replicas' own logs) and nothing
// pinwheel printed holds either.
func TestSourceDeploySecretEnvEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil || testing.Short() {
		t.Skip("needs python3 processes")
	}
	const envValue, secret = "plain-env-value-7731", "s3cret-from-env-4242"
	dir := t.TempDir()
	app, _ := os.ReadFile("../runtime/local/testdata/app/app.py")
	os.WriteFile(filepath.Join(dir, "app.py"), app, 0o644)
	os.WriteFile(filepath.Join(dir, "requirements.txt"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "pinwheel.yaml"), []byte(`service: vault
base: oci:base
lockfile: requirements.txt
entrypoint: ["python3", "app.py"]
env:
  LEAK_CANARY: "`+envValue+`"
secretEnv:
  RELEASE: {fromEnv: PW_E2E_SECRET}
rollout:
  steps:
    - setWeight: 100
`), 0o644)
	t.Setenv("PW_E2E_SECRET", secret)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var upOut, upErr upOutput
	codec := make(chan int, 1)
	go func() {
		codec <- Execute(ctx, Streams{In: strings.NewReader(""), Out: &upOut, Err: &upErr}, []string{"up", dir})
	}()
	stateDir := filepath.Join(dir, ".pinwheel")
	var c *local.Client
	for deadline := time.Now().Add(2 * time.Minute); c == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, _ = local.Dial(ctx, stateDir)
	}
	if c == nil {
		t.Fatalf("up never became reachable: %s", upErr.String())
	}
	code, stdout, stderr := runPinwheel(t, "deploy", dir, "--source", "--replicas", "1")
	if code != ExitOK {
		t.Fatalf("deploy exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	var o runtime.Observed
	for deadline := time.Now().Add(2 * time.Minute); !o.Converged && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		o, _ = c.Observe(ctx, "vault")
	}
	resp, err := http.Get(o.Endpoint + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var answer struct{ Release string }
	if json.Unmarshal(body, &answer); answer.Release != secret {
		t.Fatalf("the replica answered %s: it did not get secretEnv.RELEASE", body)
	}

	cancel()
	<-codec
	printed := map[string]string{"deploy stdout": stdout, "deploy stderr": stderr, "up stdout": upOut.String(), "up stderr": upErr.String()}
	logs := filepath.Join(stateDir, "runtime", "logs")
	filepath.WalkDir(stateDir, func(p string, d fs.DirEntry, err error) error {
		if p == logs {
			return filepath.SkipDir // the replicas' own output: app.py prints $RELEASE
		}
		if err == nil && d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			printed[p] = string(b)
		}
		return nil
	})
	if _, ok := printed[filepath.Join(stateDir, "ledger.db")]; !ok {
		t.Fatalf("no ledger under %s: %v", stateDir, printed)
	}
	for what, s := range printed {
		for _, v := range []string{envValue, secret} {
			if strings.Contains(s, v) {
				t.Errorf("%s holds the value %s", what, v)
			}
		}
	}
}
