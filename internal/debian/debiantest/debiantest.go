// Package debiantest gives tests real Debian inputs without contacting a
// mirror themselves: the machine's apt index (/var/lib/apt/lists, after
// apt-get update) and .debs fetched with `apt-get download`, the ordinary
// apt client, into a per-user cache. Where they cannot be had (not root, no
// apt), tests skip, or fail under PINWHEEL_REQUIRE_DEBIAN=1. It is imported
// by tests only.
package debiantest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// AptLists is apt's index directory.
const AptLists = "/var/lib/apt/lists"

// Require skips t, or fails it under PINWHEEL_REQUIRE_DEBIAN=1 (as `make
// test` sets it), saying why the machine lacks what it needs.
func Require(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("PINWHEEL_REQUIRE_DEBIAN") == "1" {
		t.Fatalf("PINWHEEL_REQUIRE_DEBIAN=1 but %s (run scripts/setup.sh as root)", why)
	}
	t.Skip(why)
}

// Lists returns AptLists when it holds a signed index for suite.
func Lists(t testing.TB, suite string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(AptLists, "*_dists_"+suite+"_InRelease"))
	if len(m) == 0 {
		Require(t, "no apt lists for "+suite+" in "+AptLists+" (apt-get update)")
	}
	return AptLists
}

// Pkg names one package version to download.
type Pkg struct{ Name, Version, Arch string }

// FileName is the name `apt-get download` gives a package:
// name_version_arch.deb with the epoch's ':' escaped as %3a.
func (p Pkg) FileName() string {
	return p.Name + "_" + strings.ReplaceAll(p.Version, ":", "%3a") + "_" + p.Arch + ".deb"
}

// Pool returns a directory holding pkgs' .debs, downloading the missing
// ones with `apt-get download` into os.UserCacheDir()/pinwheel/apt-debs
// (file names carry the version, so later runs download nothing).
func Pool(t testing.TB, pkgs []Pkg) string {
	t.Helper()
	base, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "pinwheel", "apt-debs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, p := range pkgs {
		if _, err := os.Stat(filepath.Join(dir, p.FileName())); err != nil {
			missing = append(missing, p.Name+"="+p.Version)
		}
	}
	if len(missing) == 0 {
		return dir
	}
	if os.Getuid() != 0 {
		Require(t, "downloading .debs with apt-get needs root")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		Require(t, "no apt-get")
	}
	cmd := exec.Command("apt-get", append([]string{"download", "-q"}, missing...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("apt-get download: %v\n%s", err, out)
	}
	return dir
}
