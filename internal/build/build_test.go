package build_test

import (
	"archive/tar"
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
	"pinwheel.dev/pinwheel/internal/publish"
)

// copyExample copies examples/hello into a fresh directory on the tiny
// synthetic base (these tests need a build, not a Python that runs),
// stamping every file with mtime so checkouts at different times can be
// compared.
func copyExample(t *testing.T, mtime time.Time) string {
	t.Helper()
	dst := copyTree(t, mtime)
	if err := imagetest.UseSyntheticBase(dst); err != nil {
		t.Fatal(err)
	}
	err := filepath.Walk(dst, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, mtime, mtime)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// copyTree copies examples/hello as it is (on its Debian base), stamping
// every file with mtime.
func copyTree(t *testing.T, mtime time.Time) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "hello")
	err := filepath.Walk(exampleDir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(exampleDir, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, b, info.Mode().Perm()); err != nil {
			return err
		}
		return os.Chtimes(target, mtime, mtime)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func opts(dir, cache string) build.Options {
	return build.Options{Dir: dir, CacheDir: cache, Getenv: func(string) string { return "" }, BuilderVersion: "test"}
}

func run(t *testing.T, o build.Options) *build.Result {
	t.Helper()
	res, err := build.Run(context.Background(), o)
	if err != nil {
		t.Fatalf("build %s: %v", o.Dir, err)
	}
	return res
}

func TestBuildIsReproducible(t *testing.T) {
	a := copyExample(t, time.Unix(1_600_000_000, 0))
	b := copyExample(t, time.Unix(1_700_000_000, 0))
	cacheA, cacheB := t.TempDir(), t.TempDir()
	cold := run(t, opts(a, cacheA))
	other := run(t, opts(b, cacheB))
	warm := run(t, opts(a, cacheA))
	if cold.Digest != other.Digest || cold.Digest != warm.Digest {
		t.Fatalf("digests differ: cold %s, other dir/time %s, warm %s", cold.Digest, other.Digest, warm.Digest)
	}
	if cold.Platforms[0].Layers[0].CacheHit || !warm.Platforms[0].Layers[0].CacheHit {
		t.Errorf("deps layer cache: cold hit=%v warm hit=%v", cold.Platforms[0].Layers[0].CacheHit, warm.Platforms[0].Layers[0].CacheHit)
	}
	if err := validate.Image(cold.Image); err != nil {
		t.Fatal(err)
	}
	assertEpochMTimes(t, cold.Image, time.Unix(0, 0)) // no git, no SOURCE_DATE_EPOCH: 1970
	// A CI run id is recorded but does not change the image.
	o := opts(b, cacheB)
	o.Getenv = func(k string) string {
		return map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "99"}[k]
	}
	ci := run(t, o)
	if ci.Digest != cold.Digest || ci.BuildInfo.CIRunID != "99" || ci.BuildInfo.CIProvider != "github-actions" {
		t.Errorf("CI build: digest %s run %q", ci.Digest, ci.BuildInfo.CIRunID)
	}
	if !strings.Contains(string(ci.Provenance), `"invocationId": "github-actions:99"`) {
		t.Errorf("provenance lacks the CI run: %s", ci.Provenance)
	}
	// SOURCE_DATE_EPOCH does change it (every mtime and created).
	o.Getenv = func(k string) string { return map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}[k] }
	if sde := run(t, o); sde.Digest == cold.Digest {
		t.Error("SOURCE_DATE_EPOCH did not reach the image")
	}
}

func TestAppChangeKeepsDependencyLayer(t *testing.T) {
	dir := copyExample(t, time.Now())
	cache := t.TempDir()
	before := run(t, opts(dir, cache))
	main := filepath.Join(dir, "hello", "__main__.py")
	b, _ := os.ReadFile(main)
	os.WriteFile(main, append(b, []byte("\n# changed\n")...), 0o644)
	after := run(t, opts(dir, cache))
	lb, la := before.Platforms[0].Layers, after.Platforms[0].Layers
	if lb[0].Digest != la[0].Digest {
		t.Errorf("dependency layer changed with app code: %s → %s", lb[0].Digest, la[0].Digest)
	}
	if lb[1].Digest == la[1].Digest || before.Digest == after.Digest {
		t.Error("app change did not change the app layer and image")
	}
	if !la[0].CacheHit {
		t.Error("unchanged lock did not reuse the cached dependency layer")
	}
}

func TestBuildPublishes(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	dir := copyExample(t, time.Now())
	out := t.TempDir()
	o := opts(dir, t.TempDir())
	o.Outputs = []string{host + "/team/hello:1.0.0", "oci:" + filepath.Join(out, "layout"), "tar:" + filepath.Join(out, "hello.tar")}
	res := run(t, o)
	if len(res.Outputs) != 3 {
		t.Fatalf("outputs %+v", res.Outputs)
	}
	ref, _ := name.ParseReference(host + "/team/hello:1.0.0")
	pulled, err := remote.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := pulled.Digest(); d.String() != res.Digest {
		t.Errorf("registry holds %s, built %s", d, res.Digest)
	}
	img, _, err := publish.ReadLayout(filepath.Join(out, "layout"), "")
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := img.Digest(); d.String() != res.Digest {
		t.Errorf("layout holds %s", d)
	}
	cf, _ := pulled.ConfigFile()
	labels := cf.Config.Labels
	if labels["dev.pinwheel.lock-hash"] != res.BuildInfo.LockHash || labels["org.opencontainers.image.version"] != "1.0.0" ||
		labels["dev.pinwheel.base-digest"] != res.BuildInfo.BaseDigest || cf.Config.User != "65532" {
		t.Errorf("labels/user %v %q", labels, cf.Config.User)
	}
	if _, ok := cf.Config.ExposedPorts["8000/tcp"]; !ok || cf.Config.Entrypoint[0] != "python3" {
		t.Errorf("config %+v", cf.Config)
	}
	prov, err := os.ReadFile(filepath.Join(out, "layout.provenance.intoto.json"))
	if err != nil || !strings.Contains(string(prov), strings.TrimPrefix(res.Digest, "sha256:")) || !strings.Contains(string(prov), "greetlib-1.0.0-py3-none-any.whl") {
		t.Errorf("provenance beside layout: %v", err)
	}
	if sbom, err := os.ReadFile(filepath.Join(out, "layout.sbom.cdx.json")); err != nil || !strings.Contains(string(sbom), "greetlib") {
		t.Errorf("sbom beside layout: %v", err)
	}
	v, err := build.Verify(context.Background(), opts(dir, t.TempDir()), host+"/team/hello:1.0.0")
	if err != nil || !v.Reproducible {
		t.Errorf("verify against the registry: %+v %v", v, err)
	}
}

func TestMultiPlatform(t *testing.T) {
	dir := copyExample(t, time.Now())
	arm := v1.Platform{OS: "linux", Architecture: "arm64"}
	amd := v1.Platform{OS: "linux", Architecture: "amd64"}
	os.RemoveAll(filepath.Join(dir, "base"))
	d, err := imagetest.WriteLayout(filepath.Join(dir, "base"), amd, arm)
	if err != nil {
		t.Fatal(err)
	}
	rewriteConfig(t, dir, "oci:base@sha256:d1b8fbf0b29844f4399edffc04f78cb1e8962acbd69c552f5a6abc9e1ec15bcd", "oci:base@"+d.String())
	o := opts(dir, t.TempDir())
	o.Platforms = []string{"linux/amd64", "linux/arm64"}
	out := filepath.Join(t.TempDir(), "multi")
	o.Outputs = []string{"oci:" + out}
	res := run(t, o)
	if res.Index == nil || len(res.Platforms) != 2 {
		t.Fatalf("want an index of 2, got %+v", res.Platforms)
	}
	if err := validate.Index(res.Index); err != nil {
		t.Fatal(err)
	}
	v, err := build.Verify(context.Background(), opts(dir, t.TempDir()), "oci:"+out)
	if err != nil || !v.Reproducible || v.Rebuilt != res.Digest {
		t.Fatalf("verify the index: %+v %v", v, err)
	}
}

func TestBuildRefuses(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"hash_mismatch", func(t *testing.T, dir string) {
			whl := filepath.Join(dir, "wheelhouse", "greetlib-1.0.0-py3-none-any.whl")
			b, _ := os.ReadFile(whl)
			os.WriteFile(whl, append(b, 0), 0o644)
		}, "sha256"},
		{"sdist_only", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "pylock.toml")
			b, _ := os.ReadFile(p)
			s := strings.Replace(string(b), "[[packages.wheels]]\nname = \"greetlib-1.0.0-py3-none-any.whl\"\npath = \"wheelhouse/greetlib-1.0.0-py3-none-any.whl\"",
				"[packages.sdist]\nname = \"greetlib-1.0.0.tar.gz\"\npath = \"greetlib-1.0.0.tar.gz\"", 1)
			os.WriteFile(p, []byte(s), 0o644)
		}, "absent: greetlib-1.0.0.tar.gz is in no source searched"}, // found, it would be built from source
		{"sdist_only_unhashed", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "pylock.toml")
			b, _ := os.ReadFile(p)
			s := strings.Replace(string(b), "[[packages.wheels]]\nname = \"greetlib-1.0.0-py3-none-any.whl\"\npath = \"wheelhouse/greetlib-1.0.0-py3-none-any.whl\"",
				"[packages.sdist]\nname = \"greetlib-1.0.0.tar.gz\"\npath = \"greetlib-1.0.0.tar.gz\"", 1)
			s = s[:strings.Index(s, "hashes = ")] + "hashes = {sha512 = \"" + strings.Repeat("ab", 64) + "\"}\n"
			os.WriteFile(p, []byte(s), 0o644)
		}, "only when the lock pins the sdist by sha256"},
		{"bad_config", func(t *testing.T, dir string) {
			rewriteConfig(t, dir, "user: \"65532\"", "user: [1]")
		}, "pinwheel.yaml:"},
		{"no_sha256", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "pylock.toml")
			b, _ := os.ReadFile(p)
			i := strings.Index(string(b), "hashes = {sha256 = \"")
			sum := string(b[i+20 : i+84])
			s := strings.Replace(string(b), "sha256 = \""+sum, "sha512 = \""+sum+sum, 1)
			os.WriteFile(p, []byte(s), 0o644)
		}, "no sha256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyExample(t, time.Now())
			tt.setup(t, dir)
			out := filepath.Join(t.TempDir(), "img")
			o := opts(dir, t.TempDir())
			o.Outputs = []string{"oci:" + out}
			_, err := build.Run(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("a failed build left an output behind")
			}
		})
	}
}

func rewriteConfig(t *testing.T, dir, old, new string) {
	t.Helper()
	p := filepath.Join(dir, "pinwheel.yaml")
	b, _ := os.ReadFile(p)
	if !strings.Contains(string(b), old) {
		t.Fatalf("pinwheel.yaml has no %q", old)
	}
	os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644)
}

// The base is pulled by digest from a registry; the build pins that digest.
func TestRegistryBase(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	base, err := imagetest.Base(v1.Platform{OS: "linux", Architecture: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.ParseReference(host + "/python:3.11-slim")
	if err := remote.Write(ref, base); err != nil {
		t.Fatal(err)
	}
	d, _ := base.Digest()
	dir := copyExample(t, time.Now())
	rewriteConfig(t, dir, "base: oci:base@"+d.String(), "base: "+host+"/python:3.11-slim@"+d.String())
	res := run(t, opts(dir, t.TempDir()))
	local := run(t, opts(copyExample(t, time.Now()), t.TempDir()))
	if res.BuildInfo.BaseDigest != d.String() {
		t.Errorf("base digest %s, want %s", res.BuildInfo.BaseDigest, d)
	}
	// Same base bytes, same image — wherever the base came from — except
	// for the recorded base reference in build-info.
	if res.Platforms[0].Layers[0].Digest != local.Platforms[0].Layers[0].Digest {
		t.Error("dependency layer depends on where the base came from")
	}
	if res.Digest == local.Digest {
		t.Error("the base reference is not recorded in the image")
	}
}

// --deps-dir: a directory tree becomes the venv instead of the lock's wheels.
func TestDepsDir(t *testing.T) {
	dir := copyExample(t, time.Now())
	deps := t.TempDir()
	site := filepath.Join(deps, "lib", "python3.11", "site-packages")
	os.MkdirAll(site, 0o755)
	os.WriteFile(filepath.Join(site, "vendored.py"), []byte("X = 1\n"), 0o644)
	o := opts(dir, t.TempDir())
	o.DepsDir = deps
	res := run(t, o)
	if res.BuildInfo.LockHash != "" {
		t.Errorf("lock hash recorded for a deps-dir build: %s", res.BuildInfo.LockHash)
	}
	layers, _ := res.Image.Layers()
	files, err := image.LayerFiles(layers[len(layers)-3])
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"opt/pinwheel/venv/lib/python3.11/site-packages/vendored.py", "opt/pinwheel/venv/pyvenv.cfg", "opt/pinwheel/venv/bin/python"} {
		if _, ok := files[p]; !ok {
			t.Errorf("deps layer lacks %s", p)
		}
	}
}

// assertEpochMTimes checks that every entry of the layers pinwheel added
// (the last three) carries the build timestamp, not the wall clock.
func assertEpochMTimes(t *testing.T, img v1.Image, epoch time.Time) {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers[len(layers)-3:] {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if !h.ModTime.Equal(epoch) {
				t.Errorf("%s: mtime %v, want the build timestamp %v", h.Name, h.ModTime, epoch)
			}
		}
		rc.Close()
	}
}
