package build_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

// A requirements lock without hashes pins nothing: the build refuses it
// unless --allow-unhashed, and then records itself as not reproducible.
func TestUnhashedLockNeedsAllowUnhashed(t *testing.T) {
	dir := copyExample(t, time.Now())
	if err := os.Remove(filepath.Join(dir, "pylock.toml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("greetlib==1.0.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "pinwheel.yaml")
	cfg, _ := os.ReadFile(cfgPath)
	cfg = regexp.MustCompile(`(?m)^lockfile: .*$`).ReplaceAll(cfg, []byte("lockfile: requirements.txt"))
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	o := opts(dir, t.TempDir())
	o.FindLinks = []string{filepath.Join(dir, "wheelhouse")}
	_, err := build.Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "greetlib") || !strings.Contains(err.Error(), "--allow-unhashed") {
		t.Fatalf("unhashed lock without --allow-unhashed: err = %v, want one naming greetlib and --allow-unhashed", err)
	}
	o.AllowUnhashed = true
	res := run(t, o)
	if res.BuildInfo.Reproducible {
		t.Error("build with unhashed wheels recorded as reproducible")
	}
	var wheelDigest string
	for _, m := range res.Materials {
		if strings.HasPrefix(m.URI, "pkg:pypi/greetlib@1.0.0") {
			wheelDigest = m.Digest["sha256"]
		}
	}
	if len(wheelDigest) != 64 {
		t.Errorf("the installed wheel's sha256 is not in the materials: %+v", res.Materials)
	}
}

// A locked wheel whose Requires-Python excludes the configured Python is
// refused at install, naming the wheel.
func TestRequiresPythonIsChecked(t *testing.T) {
	dir := copyExample(t, time.Now())
	w := wheeltest.Wheel{Name: "newpy", Version: "1.0", RequiresPython: ">=3.12", Files: map[string]string{"newpy/__init__.py": ""}}
	b := w.Bytes()
	if err := os.WriteFile(filepath.Join(dir, "wheelhouse", w.Filename()), b, 0o644); err != nil {
		t.Fatal(err)
	}
	entry := fmt.Sprintf("\n[[packages]]\nname = \"newpy\"\nversion = \"1.0\"\n\n[[packages.wheels]]\nname = %q\npath = \"wheelhouse/%s\"\nhashes = {sha256 = \"%x\"}\n",
		w.Filename(), w.Filename(), sha256.Sum256(b))
	f, err := os.OpenFile(filepath.Join(dir, "pylock.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(entry)
	f.Close()
	_, err = build.Run(context.Background(), opts(dir, t.TempDir()))
	if err == nil || !strings.Contains(err.Error(), w.Filename()) || !strings.Contains(err.Error(), ">=3.12") {
		t.Fatalf("err = %v, want the wheel refused for its Requires-Python", err)
	}
}
