package realnode_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/kubetest"
)

// shopVersion is a build of examples/shop: its version (pinwheel.yaml and
// shop.__version__) and the fault its pinwheel.yaml env switches on
// (shop/faults.py; "" for none), so a faulty release is a different build,
// as in `pinwheel demo`.
type shopVersion struct {
	Version string
	Fault   string // SHOP_FAULT
	Rate    string // SHOP_FAULT_RATE
}

var (
	good1 = shopVersion{Version: "1.0.0"}
	good2 = shopVersion{Version: "1.1.0"}
	// bad answers half of its API requests with 500.
	bad = shopVersion{Version: "1.2.0", Fault: "errors", Rate: "0.5"}
)

// shopImage is a build pushed to the tests' registry, pinned by digest.
type shopImage struct {
	build.Result
	Ref string // registryHost/shop@sha256:…
}

var builds struct {
	sync.Mutex
	done map[shopVersion]shopImage
}

// buildShop builds v with the pinwheel binary (once per process) and pushes
// it to the tests' registry.
func buildShop(t *testing.T, v shopVersion) shopImage {
	t.Helper()
	builds.Lock()
	defer builds.Unlock()
	if img, ok := builds.done[v]; ok {
		return img
	}
	root, err := kubetest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(t.TempDir(), "shop")
	if out, err := exec.Command("cp", "-r", filepath.Join(root, "examples/shop"), proj).CombinedOutput(); err != nil {
		t.Fatalf("copy examples/shop: %v\n%s", err, out)
	}
	edit(t, filepath.Join(proj, "pinwheel.yaml"), map[string]string{
		`(?m)^version: .*$`:      "version: " + v.Version,
		`(?m)^  SHOP_FAULT: .*$`: `  SHOP_FAULT: "` + v.Fault + `"` + rateLine(v.Rate),
	})
	edit(t, filepath.Join(proj, "shop", "__init__.py"), map[string]string{`__version__ = ".*"`: `__version__ = "` + v.Version + `"`})
	began := time.Now()
	ref := registryHost + "/shop:" + v.Version
	cmd := exec.Command(pinwheelBin, "build", proj, "--output", ref, "--cache-dir", filepath.Join(workDir, "cache"), "-o", "json")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pinwheel build: %v\n%s%s", err, out, stderr.String())
	}
	var res build.Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("pinwheel build -o json: %v\n%s", err, out)
	}
	img := shopImage{Result: res, Ref: registryHost + "/shop@" + res.Digest}
	t.Logf("built shop %s (fault %q) in %s: %s", v.Version, v.Fault, time.Since(began).Round(100*time.Millisecond), img.Ref)
	if builds.done == nil {
		builds.done = map[shopVersion]shopImage{}
	}
	builds.done[v] = img
	return img
}

func rateLine(rate string) string {
	if rate == "" {
		return ""
	}
	return "\n  SHOP_FAULT_RATE: \"" + rate + "\""
}

// edit replaces each regexp's one match in path, failing t when one does
// not match (the example changed under the test).
func edit(t *testing.T, path string, repl map[string]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for re, with := range repl {
		r := regexp.MustCompile(re)
		if !r.MatchString(s) {
			t.Fatalf("%s: nothing matches %s", path, re)
		}
		s = r.ReplaceAllLiteralString(s, with)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
