package build_test

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/build/wheelsrc"
	"pinwheel.dev/pinwheel/internal/pyindex/localindex"
)

// hashOnlyProject turns the example into a requirements.txt project whose
// lock records only the wheel's hash; the wheel must come from elsewhere.
func hashOnlyProject(t *testing.T) (dir, wheelhouse string) {
	t.Helper()
	dir = copyExample(t, time.Now())
	wheelhouse = filepath.Join(dir, "wheelhouse")
	sum, err := wheelsrc.SHA256(filepath.Join(wheelhouse, greetlib.FileName()))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "pylock.toml"))
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("greetlib==1.0.0 \\\n    --hash=sha256:"+sum+"\n"), 0o644)
	rewriteConfig(t, dir, "lockfile: pylock.toml", "lockfile: requirements.txt")
	return dir, wheelhouse
}

func TestWheelSources(t *testing.T) {
	dir, wheelhouse := hashOnlyProject(t)
	ref := run(t, opts(copyExample(t, time.Now()), t.TempDir()))
	srv := httptest.NewServer(localindex.New(wheelhouse))
	defer srv.Close()
	tests := []struct {
		name string
		set  func(o *build.Options)
	}{
		{"find_links", func(o *build.Options) { o.FindLinks = []string{wheelhouse} }},
		{"pep691_index", func(o *build.Options) { o.IndexURL = srv.URL + "/simple/" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := opts(dir, t.TempDir())
			tt.set(&o)
			res := run(t, o)
			// Same wheel, same install: the dependency layer is the pylock build's.
			if got, want := res.Platforms[0].Layers[0].Digest, ref.Platforms[0].Layers[0].Digest; got != want {
				t.Errorf("deps layer %s, pylock build %s", got, want)
			}
			if len(res.Materials) == 0 {
				t.Error("no materials recorded")
			}
		})
	}
}

// A uv.lock lists the project itself (editable ".") next to its
// dependencies: the project is the app layer, only greetlib is installed.
func TestUVLockSkipsTheProjectItself(t *testing.T) {
	dir, wheelhouse := hashOnlyProject(t)
	sum, _ := wheelsrc.SHA256(filepath.Join(wheelhouse, greetlib.FileName()))
	uv := helloUVLock(sum, `[{ name = "greetlib" }]`, "")
	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(uv), 0o644)
	rewriteConfig(t, dir, "lockfile: requirements.txt", "lockfile: uv.lock")
	o := opts(dir, t.TempDir())
	o.FindLinks = []string{wheelhouse}
	res := run(t, o)
	if res.BuildInfo.LockFormat != "uv.lock" || len(res.Materials) != 2 {
		t.Errorf("lock %s, materials %+v", res.BuildInfo.LockFormat, res.Materials)
	}
}

// helloUVLock is a uv.lock of the hello project (editable ".", with deps)
// and greetlib's wheel (sha256 sum), plus more [[package]] tables.
func helloUVLock(sum, deps, more string) string {
	return `version = 1
requires-python = ">=3.11"

[[package]]
name = "greetlib"
version = "1.0.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://files.example.invalid/greetlib-1.0.0-py3-none-any.whl", hash = "sha256:` + sum + `" }]

[[package]]
name = "hello"
version = "1.0.0"
source = { editable = "." }
dependencies = ` + deps + `
` + more
}
