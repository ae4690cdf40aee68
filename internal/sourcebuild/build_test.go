package sourcebuild_test

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/debian"
	"pinwheel.dev/pinwheel/internal/debian/debiantest"
	"pinwheel.dev/pinwheel/internal/sourcebuild"
	"pinwheel.dev/pinwheel/internal/sourcebuild/sdisttest"
)

// Debian's own wheels of the setuptools backend (python3-setuptools-whl,
// python3-wheel-whl).
const debianWheels = "/usr/share/python-wheels"

// realBase is examples/hello's Debian base (python3.11 from real .debs in
// the pool scripts/setup.sh fills).
func realBase(t *testing.T) v1.Image {
	t.Helper()
	if testing.Short() {
		t.Skip("assembles a real Debian base and runs runc")
	}
	l, err := debian.ReadLock("../../examples/hello/base.lock")
	if err != nil {
		t.Fatal(err)
	}
	home, _ := os.UserHomeDir()
	pool := filepath.Join(home, ".cache", "pinwheel", "apt-debs")
	if _, err := os.Stat(pool); err != nil {
		debiantest.Require(t, "no .deb pool at "+pool+" (scripts/setup.sh fills it)")
	}
	b, err := debian.Assemble(context.Background(), l, &debian.Cache{Dir: t.TempDir(), Pools: []string{pool}}, "")
	if err != nil {
		t.Fatal(err)
	}
	return b.Image
}

func backendDeps(t *testing.T) []sourcebuild.Dep {
	t.Helper()
	var deps []sourcebuild.Dep
	for _, pat := range []string{"setuptools-*.whl", "wheel-*.whl"} {
		m, _ := filepath.Glob(filepath.Join(debianWheels, pat))
		if len(m) != 1 {
			debiantest.Require(t, "no "+pat+" in "+debianWheels+" (apt-get install python3-setuptools-whl python3-wheel-whl)")
		}
		deps = append(deps, sourcebuild.Dep{Filename: filepath.Base(m[0]), Path: m[0], SHA256: sha(t, m[0])})
	}
	return deps
}

func sha(t *testing.T, p string) string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))
}

func runc(t *testing.T) *container.Runc {
	t.Helper()
	r, err := container.Detect()
	if err != nil {
		debiantest.Require(t, err.Error())
	}
	return r
}

// A pure-Python sdist becomes a wheel built by setuptools inside the real
// base image, with no network; the second build comes from the cache, and
// a fresh rebuild is byte-identical. Nothing is left in the temp dir.
func TestBuildPureSdistWithSetuptools(t *testing.T) {
	img, r, deps := realBase(t), runc(t), backendDeps(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	probe := "import socket\nNET = [n for _, n in socket.if_nameindex()]\n"
	sdist, err := sdisttest.Write(t.TempDir(), "tinyfmt", "1.0", map[string]string{
		"pyproject.toml": sdisttest.Pyproject("tinyfmt", "1.0", []string{"tinyfmt", "tinyfmt_net"}, ""),
		"tinyfmt.py":     "def shout(s):\n    return s.upper() + '!'\n",
		"setup.py":       probe + "open('tinyfmt_net.py', 'w').write('NET = %r\\n' % NET)\nfrom setuptools import setup\nsetup()\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	bs, err := sourcebuild.ReadBuildSystem(sdist)
	if err != nil || bs.Backend != "setuptools.build_meta" || len(bs.Requires) != 2 || !bs.Declared {
		t.Fatalf("build system %+v, %v", bs, err)
	}
	cache := t.TempDir()
	req := sourcebuild.Request{Sdist: sdist, SHA256: sha(t, sdist), Image: img, Interpreter: "/usr/bin/python3.11", Python: "3.11",
		Target: "cp311-linux_x86_64", System: bs, Deps: deps, Epoch: time.Unix(1_700_000_000, 0), CacheDir: cache}
	b := &sourcebuild.Builder{Runc: r}
	first, err := b.Build(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %s sha256:%s in %v", first.Filename, first.SHA256, first.Duration)
	if first.Filename != "tinyfmt-1.0-py3-none-any.whl" || first.CacheHit {
		t.Errorf("first build %+v", first)
	}
	files := wheelFiles(t, first.Wheel)
	if !strings.Contains(files["tinyfmt.py"], "upper()") || files["tinyfmt_net.py"] != "NET = ['lo']\n" {
		t.Errorf("wheel content: tinyfmt.py %q, tinyfmt_net.py %q (the build must see no interface but lo)", files["tinyfmt.py"], files["tinyfmt_net.py"])
	}
	again, err := b.Build(context.Background(), req)
	if err != nil || !again.CacheHit || again.SHA256 != first.SHA256 {
		t.Errorf("second build: %+v, %v; want the cached wheel", again, err)
	}
	req.Fresh = true
	fresh, err := b.Build(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rebuilt in %v: byte-identical %v", fresh.Duration, fresh.SHA256 == first.SHA256)
	if left, _ := os.ReadDir(tmp); len(left) > 0 || fresh.Wheel != "" {
		t.Errorf("left in the temp dir: %v; fresh wheel %q", left, fresh.Wheel)
	}
	if fresh.CacheHit || fresh.SHA256 != first.SHA256 {
		t.Errorf("fresh rebuild sha256:%s (hit %v), first sha256:%s: setuptools with SOURCE_DATE_EPOCH should be byte-identical", fresh.SHA256, fresh.CacheHit, first.SHA256)
	}
}

// A backend asking for a requirement nobody provided names it.
func TestBuildNamesMissingRequirements(t *testing.T) {
	img, r, deps := realBase(t), runc(t), backendDeps(t)
	sdist, _ := sdisttest.Write(t.TempDir(), "tinyfmt", "1.0", map[string]string{
		"pyproject.toml": sdisttest.Pyproject("tinyfmt", "1.0", []string{"tinyfmt"}, ""),
		"tinyfmt.py":     "X = 1\n",
	})
	bs, _ := sourcebuild.ReadBuildSystem(sdist)
	req := sourcebuild.Request{Sdist: sdist, SHA256: sha(t, sdist), Image: img, Interpreter: "/usr/bin/python3.11", Python: "3.11",
		Target: "t", System: bs, Deps: deps[:1], Epoch: time.Unix(0, 0), CacheDir: t.TempDir()} // setuptools without wheel
	_, err := (&sourcebuild.Builder{Runc: r}).Build(context.Background(), req)
	var mr *sourcebuild.MissingRequiresError
	if !errors.As(err, &mr) || len(mr.Missing) != 1 || mr.Missing[0] != "wheel" {
		t.Fatalf("err = %v, want the backend's missing requirement 'wheel'", err)
	}
}

func wheelFiles(t *testing.T, p string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}
