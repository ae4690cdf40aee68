package build_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/debian"
	"pinwheel.dev/pinwheel/internal/debian/debiantest"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
)

var debianBaseSection = regexp.MustCompile(`(?m)^base:.*\n(?:[ \t]+.*\n)*`)

// debianExample is examples/hello on a base of real Debian packages,
// resolved against the machine's apt index, with a pool of .debs that
// apt-get download fetched.
func debianExample(t *testing.T, mtime time.Time, pool string) string {
	t.Helper()
	dir := copyTree(t, mtime)
	os.Remove(filepath.Join(dir, "base.lock"))
	yml, err := os.ReadFile(filepath.Join(dir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	base := "base:\n  debian:\n    suite: bookworm\n    packages: [python3.11-minimal, libpython3.11-stdlib]\n" +
		"    index: " + debiantest.AptLists + "\n"
	if pool != "" {
		base += "    pools: [" + pool + "]\n"
	}
	out := debianBaseSection.ReplaceAllString(string(yml), base)
	if out == string(yml) {
		t.Fatal("examples/hello/pinwheel.yaml no longer has the base: mapping this test replaces")
	}
	if err := os.WriteFile(filepath.Join(dir, config.FileName), []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDebianBaseBuildIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("assembles a real Debian base")
	}
	debiantest.Lists(t, "bookworm")
	ctx := context.Background()
	a := debianExample(t, time.Unix(1_600_000_000, 0), "")
	cfg, err := config.Load(a)
	if err != nil {
		t.Fatal(err)
	}
	l, _, err := build.LockBase(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []debiantest.Pkg
	for _, p := range l.Packages {
		pkgs = append(pkgs, debiantest.Pkg{Name: p.Name, Version: p.Version, Arch: p.Architecture})
	}
	pool := debiantest.Pool(t, pkgs)
	a = debianExample(t, time.Unix(1_600_000_000, 0), pool)
	b := debianExample(t, time.Unix(1_700_000_000, 0), pool)
	for _, dir := range []string{a, b} {
		cfg, err := config.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := build.LockBase(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	lockA, _ := os.ReadFile(filepath.Join(a, "base.lock"))
	lockB, _ := os.ReadFile(filepath.Join(b, "base.lock"))
	if string(lockA) != string(lockB) {
		t.Fatal("base.lock differs between two directories resolving the same index")
	}

	cacheA := t.TempDir()
	ra := run(t, opts(a, cacheA))
	rb := run(t, opts(b, t.TempDir()))
	if ra.Digest != rb.Digest || ra.BuildInfo.BaseDigest != rb.BuildInfo.BaseDigest {
		t.Fatalf("same locks, different images: %s (base %s) vs %s (base %s)", ra.Digest, ra.BuildInfo.BaseDigest, rb.Digest, rb.BuildInfo.BaseDigest)
	}
	// Another build time (SOURCE_DATE_EPOCH) changes the image, not its base.
	later := opts(b, cacheA) // the cached base layers serve any build time
	later.Getenv = func(k string) string { return map[string]string{"SOURCE_DATE_EPOCH": "1800000000"}[k] }
	if rl := run(t, later); rl.BuildInfo.BaseDigest != ra.BuildInfo.BaseDigest || rl.Digest == ra.Digest {
		t.Errorf("SOURCE_DATE_EPOCH changed the base (%s vs %s) or not the image", rl.BuildInfo.BaseDigest, ra.BuildInfo.BaseDigest)
	}
	if ra.BuildInfo.BaseImage != "debian:base.lock" {
		t.Errorf("build-info baseImage = %q", ra.BuildInfo.BaseImage)
	}
	if !strings.Contains(ra.Platforms[0].Libc, "glibc 2.36 (from /usr/lib/x86_64-linux-gnu/libc.so.6)") {
		t.Errorf("libc = %q, want glibc read from the Debian base", ra.Platforms[0].Libc)
	}
	for _, want := range []string{`"purl": "pkg:deb/debian/libc6@`, `"purl": "pkg:deb/debian/python3.11-minimal@`, `"purl": "pkg:pypi/greetlib@1.0.0`} {
		if !strings.Contains(string(ra.SBOM), want) {
			t.Errorf("SBOM lacks %s", want)
		}
	}

	if os.Getuid() != 0 {
		debiantest.Require(t, "chroot needs root")
	}
	root := t.TempDir()
	if err := imagetest.Unpack(ra.Image, root); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("chroot", root, "/opt/pinwheel/venv/bin/python", "-c",
		"import greetlib, http.server, sys; print(sys.executable, sys.version.split()[0])").CombinedOutput()
	if err != nil {
		t.Fatalf("the image's python: %v\n%s", err, out)
	}
	t.Logf("in the image: %s", strings.TrimSpace(string(out)))
}

func TestDebianBaseBadInput(t *testing.T) {
	debiantest.Lists(t, "bookworm")
	ctx := context.Background()
	dir := debianExample(t, time.Unix(1_600_000_000, 0), "")
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Debian.Packages = append(cfg.Debian.Packages, "no-such-package-pinwheel")
	if _, _, err := build.LockBase(ctx, cfg); err == nil || !strings.Contains(err.Error(), "no package no-such-package-pinwheel in the index for amd64") {
		t.Errorf("missing package: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "base.lock")); err == nil {
		t.Error("a failed lock left base.lock behind")
	}

	// A lock whose .deb is not where it says: a clear error, nothing cached.
	l := &debian.Lock{Version: debian.LockVersion, Suite: "bookworm", Architecture: "amd64", Packages: []debian.LockedPackage{{
		Name: "libc6", Version: "2.36-9", Architecture: "amd64", Filename: "pool/main/g/glibc/libc6_2.36-9_amd64.deb",
		Size: 3, SHA256: strings.Repeat("a", 64)}}}
	pool := t.TempDir()
	os.WriteFile(filepath.Join(pool, "libc6_2.36-9_amd64.deb"), []byte("abc"), 0o644)
	if err := debian.WriteLock(filepath.Join(dir, "base.lock"), l); err != nil {
		t.Fatal(err)
	}
	yml, _ := os.ReadFile(filepath.Join(dir, config.FileName))
	os.WriteFile(filepath.Join(dir, config.FileName), []byte(strings.Replace(string(yml), "    index:", "    pools: ["+pool+"]\n    index:", 1)), 0o644)
	cache := t.TempDir()
	_, err = build.Run(ctx, opts(dir, cache))
	if err == nil || !strings.Contains(err.Error(), "libc6 2.36-9: sha256 ba7816bf") || !strings.Contains(err.Error(), "not cached") {
		t.Fatalf("hash mismatch: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(cache, "debs", "sha256", "*")); len(m) != 0 {
		t.Errorf("cache holds %v after a hash mismatch", m)
	}
}
