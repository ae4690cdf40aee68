package build_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

// Every build, failed or not, lands in the ledger with its BuildInfo.
func TestBuildsAreRecordedInTheLedger(t *testing.T) {
	ctx := context.Background()
	store, err := ledgerdb.Open(ctx, filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	dir := copyExample(t, time.Now())
	o := opts(dir, t.TempDir())
	o.Ledger, o.RunID = store, "run-7"
	res := run(t, o)

	// A checkout whose directory is not named after the service: the failed
	// build is still recorded under the service pinwheel.yaml names.
	broken := filepath.Join(filepath.Dir(copyExample(t, time.Now())), "checkout")
	if err := os.Rename(filepath.Dir(broken)+"/hello", broken); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(broken, "pylock.toml")); err != nil {
		t.Fatal(err)
	}
	o = opts(broken, t.TempDir())
	o.Ledger = store
	if _, err := build.Run(ctx, o); err == nil {
		t.Fatal("build without its lockfile succeeded")
	}

	got, err := store.ListBuilds(ctx, "hello", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("ledger has %d builds, want 2: %+v", len(got), got)
	}
	var ok, failed *ledger.Build
	for i := range got {
		if got[i].Succeeded {
			ok = &got[i]
		} else {
			failed = &got[i]
		}
	}
	if ok == nil || failed == nil {
		t.Fatalf("want one succeeded and one failed build, got %+v", got)
	}
	if ok.Info.ImageDigest != res.Digest || ok.Info.CIRunID != "run-7" || ok.Info.LockHash == "" || ok.Info.FinishedAt.IsZero() {
		t.Errorf("succeeded build recorded as %+v, want digest %s, run id, lock hash, finish time", ok.Info, res.Digest)
	}
	if failed.Info.Service != "hello" || failed.Info.StartedAt.IsZero() || failed.Info.FinishedAt.Before(failed.Info.StartedAt) {
		t.Errorf("failed build recorded as %+v", failed.Info)
	}
}

// The wheel target's C library is read from the base image; a base without
// one falls back to the default and says so.
func TestWheelTargetReadsTheBaseLibc(t *testing.T) {
	libc := "/lib/x86_64-linux-gnu/libc.so.6"
	data, err := os.ReadFile(libc)
	if err != nil {
		t.Skipf("no glibc on this machine: %v", err)
	}
	m := regexp.MustCompile(`release version (\d+\.\d+)`).FindSubmatch(data)
	if m == nil {
		t.Skip("machine libc has no glibc banner")
	}
	dir := copyExample(t, time.Now())
	p := v1.Platform{OS: "linux", Architecture: "amd64"}
	base, err := imagetest.Base(p)
	if err != nil {
		t.Fatal(err)
	}
	l, err := image.NewLayer([]image.Entry{image.BytesEntry("usr/lib/x86_64-linux-gnu/libc.so.6", data, 0o755)})
	if err != nil {
		t.Fatal(err)
	}
	if base, err = mutate.AppendLayers(base, l); err != nil {
		t.Fatal(err)
	}
	lp, err := layout.Write(filepath.Join(dir, "glibc-base"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(base); err != nil {
		t.Fatal(err)
	}
	d, _ := base.Digest()
	cfgPath := filepath.Join(dir, "pinwheel.yaml")
	cfg, _ := os.ReadFile(cfgPath)
	cfg = regexp.MustCompile(`(?m)^base: .*$`).ReplaceAll(cfg, []byte("base: oci:glibc-base@"+d.String()))
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		t.Fatal(err)
	}

	cache := t.TempDir()
	for _, pass := range []string{"cold", "memoised"} {
		res := run(t, opts(dir, cache))
		want := "glibc " + string(m[1]) + " (from /usr/lib/x86_64-linux-gnu/libc.so.6)"
		if got := res.Platforms[0].Libc; got != want {
			t.Errorf("%s: Libc = %q, want %q", pass, got, want)
		}
	}
	res := run(t, opts(copyExample(t, time.Now()), t.TempDir()))
	if got := res.Platforms[0].Libc; !strings.Contains(got, "assumed: no C library") {
		t.Errorf("base without libc: Libc = %q, want the assumption said", got)
	}
}
