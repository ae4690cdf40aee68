package demo

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/debian"
	"pinwheel.dev/pinwheel/internal/debian/debiantest"
)

// TestDemo runs `pinwheel demo` end to end (what `make demo` runs): the bad
// release must be rolled back, the fixed one promoted, and no request may
// fail outside the bad release's rollout.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3 replicas for about a minute")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	dir := filepath.Join(t.TempDir(), "demo")
	res, err := Run(ctx, Options{Example: shopWithPool(t), Dir: dir, Out: &out})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	WriteSummary(&out, res)
	if !res.OK || len(res.Rollouts) != 3 {
		t.Fatalf("demo not OK:\n%s", out.String())
	}
	var ownFailures int64
	for _, r := range res.Rollouts {
		if r.Want == "rolled-back" {
			ownFailures += r.Load.Failed
			if r.Report == "" {
				t.Errorf("%s: no remediation report", r.Release)
			}
			continue
		}
		if r.Load.Failed != 0 {
			t.Errorf("%s (%s) under load: %d failed requests", r.Name, r.Got, r.Load.Failed)
		}
	}
	if ownFailures == 0 || res.Live != "shop-3" {
		t.Errorf("bad release failures %d, live %q", ownFailures, res.Live)
	}
	for _, want := range []string{"what changed: shop-1 → shop-2", "env.SHOP_FAULT", "error-rate: Fail", "OK: the bad release was rolled back"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("state directory left behind without Keep: %v", err)
	}
	_, noRunc := container.Detect()
	switch {
	case noRunc == nil && !strings.Contains(res.Runs, "OCI containers"):
		t.Errorf("root with runc, but the replicas did not run in containers: %s", res.Runs)
	case noRunc != nil && !strings.Contains(res.Runs, "host processes"):
		t.Errorf("no runc (%v), but the demo does not say it ran host processes: %s", noRunc, res.Runs)
	}
	for _, r := range res.Rollouts {
		if r.Artifact == "source" {
			t.Errorf("%s ran from source, not from its image: the build failed", r.Name)
		}
	}
	if !strings.Contains(out.String(), "replicas: "+res.Runs) {
		t.Errorf("the summary does not say how replicas ran")
	}
	assertScorecard(t, res, out.String())
}

// assertScorecard checks the scorecard of the demo's ledger (issue 16's
// acceptance): three rollouts, one rolled back (change fail rate 1/3), a
// pipeline time for each, lead times from the demo's commits, and the
// cache: v1 builds cold; v2 and v3 reuse the Debian base's two layers but
// rebuild the dependencies layer, which holds the project itself (its
// version changes in each).
func assertScorecard(t *testing.T, res Result, out string) {
	t.Helper()
	if res.Scorecard == nil || len(res.Scorecard.Services) != 1 {
		t.Fatalf("no scorecard of shop: %+v", res.Scorecard)
	}
	c := res.Scorecard.Overall.Current
	if c.Deployments != 3 || c.Promoted != 2 || c.Failed != 1 || c.Rollbacks != 1 || c.ChangeFailRate == nil || c.ChangeFailRate.N != 1 || c.ChangeFailRate.Of != 3 {
		t.Errorf("scorecard counts %+v, change fail rate %+v: want 3 deployments, 1 rolled back", c, c.ChangeFailRate)
	}
	if c.PipelineTime == nil || c.PipelineTime.N != 3 || c.PipelineTime.Median <= 0 || c.BuildTime == nil || c.BuildTime.N != 3 || c.Builds != 3 {
		t.Errorf("pipeline %+v, builds %d (%+v): want all three builds and pipelines measured", c.PipelineTime, c.Builds, c.BuildTime)
	}
	if c.LeadTime == nil || c.LeadTime.N != 2 || c.RecoveryTime == nil || c.RecoveryTime.N != 1 {
		t.Errorf("lead time %+v (want the 2 promoted commits), recovery %+v", c.LeadTime, c.RecoveryTime)
	}
	if l := c.Cache.Layers; l == nil || l.N != 4 || l.Of != 9 {
		t.Errorf("layer cache %+v, want 4 of 9 reused", l)
	}
	if d := c.Cache.Debs; d == nil || d.N != 0 || d.Of == 0 {
		t.Errorf(".deb cache %+v, want every .deb fetched once (by v1) and none looked at after", d)
	}
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, "change fail rate 33% (1/3)") || !strings.Contains(flat, "cache hits: layers 44% (4/9)") {
		t.Errorf("the demo's output lacks the scorecard:\n%s", out)
	}
}

// shopWithPool copies examples/shop with its Debian base's .debs in a pool
// filled by apt-get download (the ordinary client): the demo's builds never
// contact a mirror in tests.
func shopWithPool(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	if err := CopyProject("../../examples/shop", dir); err != nil {
		t.Fatal(err)
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
	yml := filepath.Join(dir, "pinwheel.yaml")
	b, err := os.ReadFile(yml)
	if err != nil {
		t.Fatal(err)
	}
	nb := regexp.MustCompile(`pools: \[[^\]]*\]`).ReplaceAll(b, []byte("pools: ["+pool+"]"))
	if bytes.Equal(b, nb) {
		t.Fatal("examples/shop/pinwheel.yaml has no pools: line to replace")
	}
	if err := os.WriteFile(yml, nb, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestVersionApplyChangesTheProject(t *testing.T) {
	dir := t.TempDir()
	if err := CopyProject("../../examples/shop", dir); err != nil {
		t.Fatal(err)
	}
	if err := versions[1].apply(dir); err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, "pinwheel.yaml"))
	py, _ := os.ReadFile(filepath.Join(dir, "shop", "__init__.py"))
	if !strings.Contains(string(cfg), "\nversion: 2.0.0\n") || !strings.Contains(string(cfg), `SHOP_FAULT: "errors"`) || !strings.Contains(string(py), `__version__ = "2.0.0"`) {
		t.Fatalf("config:\n%s\npackage:\n%s", cfg, py)
	}
	os.WriteFile(filepath.Join(dir, "pinwheel.yaml"), []byte("service: shop\n"), 0o644)
	if err := versions[2].apply(dir); err == nil || !strings.Contains(err.Error(), "SHOP_FAULT") {
		t.Errorf("a config without the knobs: %v", err)
	}
}
