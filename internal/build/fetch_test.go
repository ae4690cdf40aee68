package build_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/pyindex/localindex"
)

// An air-gapped build is two commands: fetch from an index into a
// wheelhouse, then build from the wheelhouse alone. The image's
// dependencies are the ones a build from the index installs.
func TestFetchThenAirGappedBuild(t *testing.T) {
	dir, wheelhouse := hashOnlyProject(t)
	srv := httptest.NewServer(localindex.New(wheelhouse))
	defer srv.Close()
	fromIndex := opts(dir, t.TempDir())
	fromIndex.IndexURL = srv.URL + "/simple/"
	ref := run(t, fromIndex)

	out := filepath.Join(t.TempDir(), "wh")
	fo := opts(dir, t.TempDir())
	fo.IndexURL = srv.URL + "/simple/"
	res, err := build.Fetch(context.Background(), fo, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || res.Files[0].Filename != "greetlib-1.0.0-py3-none-any.whl" || !res.Files[0].Written {
		t.Fatalf("fetched %+v", res.Files)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 {
		t.Errorf("wheelhouse holds %d entries, want the one wheel (no temp files)", len(entries))
	}
	srv.Close() // air-gapped from here on
	o := opts(dir, t.TempDir())
	o.FindLinks = []string{out}
	got := run(t, o)
	if got.Platforms[0].Layers[0].Digest != ref.Platforms[0].Layers[0].Digest {
		t.Errorf("deps layer from the wheelhouse %s, from the index %s", got.Platforms[0].Layers[0].Digest, ref.Platforms[0].Layers[0].Digest)
	}
	again, err := build.Fetch(context.Background(), o, out)
	if err != nil || again.Files[0].Written {
		t.Errorf("second fetch: %+v, %v; want the file kept", again, err)
	}
}

// fetch refuses a file whose hash the lock does not allow and writes
// nothing; a link planted at a wheel's name is replaced, never followed.
func TestFetchRefusesAndStaysInside(t *testing.T) {
	dir, wheelhouse := hashOnlyProject(t)
	served := t.TempDir()
	b, _ := os.ReadFile(filepath.Join(wheelhouse, "greetlib-1.0.0-py3-none-any.whl"))
	os.WriteFile(filepath.Join(served, "greetlib-1.0.0-py3-none-any.whl"), append(b, 0), 0o644)
	bad := httptest.NewServer(localindex.New(served))
	defer bad.Close()
	out := filepath.Join(t.TempDir(), "wh")
	o := opts(dir, t.TempDir())
	o.IndexURL = bad.URL + "/simple/"
	_, err := build.Fetch(context.Background(), o, out)
	var ae *build.ArtifactsError
	if !errors.As(err, &ae) || len(ae.Problems) != 1 || ae.Problems[0].Kind != build.ProblemHashMismatch || ae.Problems[0].Line != 1 {
		t.Fatalf("err = %v, want one hash mismatch at requirements.txt:1", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused fetch created %s", out)
	}

	good := httptest.NewServer(localindex.New(wheelhouse))
	defer good.Close()
	outside := filepath.Join(t.TempDir(), "outside")
	os.WriteFile(outside, []byte("keep me"), 0o644)
	os.MkdirAll(out, 0o755)
	os.Symlink(outside, filepath.Join(out, "greetlib-1.0.0-py3-none-any.whl"))
	o.IndexURL = good.URL + "/simple/"
	if _, err := build.Fetch(context.Background(), o, out); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(outside); string(b) != "keep me" {
		t.Error("fetch wrote through a link out of the wheelhouse")
	}
	if st, err := os.Lstat(filepath.Join(out, "greetlib-1.0.0-py3-none-any.whl")); err != nil || !st.Mode().IsRegular() {
		t.Errorf("the wheel is not a regular file in the wheelhouse: %v", err)
	}
}
