package cli

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/pyindex/localindex"
)

// pinwheel fetch then pinwheel build --find-links: the air-gapped build,
// as commands. A wheel missing from the wheelhouse is exit 2, named with
// its lock line and the fetch that fixes it.
func TestFetchThenBuildCommands(t *testing.T) {
	dir := copyHello(t)
	srv := httptest.NewServer(localindex.New(filepath.Join(dir, "wheelhouse")))
	defer srv.Close()
	cache, wh := t.TempDir(), filepath.Join(t.TempDir(), "wh")
	code, stdout, stderr := runPinwheel(t, "fetch", dir, "--dest", wh, "--index-url", srv.URL+"/simple/", "--cache-dir", cache)
	if code != 0 || !strings.Contains(stdout, "written  greetlib-1.0.0-py3-none-any.whl") || !strings.Contains(stdout, "build with --find-links "+wh) {
		t.Fatalf("fetch exit %d:\n%s%s", code, stdout, stderr)
	}
	srv.Close()
	os.RemoveAll(filepath.Join(dir, "wheelhouse")) // the lock's own path is gone too
	code, _, stderr = runPinwheel(t, "build", dir, "--find-links", wh, "--cache-dir", t.TempDir())
	if code != 0 {
		t.Fatalf("air-gapped build exit %d: %s", code, stderr)
	}

	os.Remove(filepath.Join(wh, "greetlib-1.0.0-py3-none-any.whl"))
	code, _, stderr = runPinwheel(t, "build", dir, "--find-links", wh, "--cache-dir", t.TempDir())
	if code != ExitUsage || !strings.Contains(stderr, "pylock.toml:7: greetlib 1.0.0: absent") || !strings.Contains(stderr, "pinwheel fetch --dest "+wh) {
		t.Fatalf("build without the wheel: exit %d, stderr:\n%s", code, stderr)
	}
	if code, _, stderr = runPinwheel(t, "fetch", dir); code != ExitUsage || !strings.Contains(stderr, "--dest WHEELHOUSE is required") {
		t.Errorf("fetch without -o: exit %d: %s", code, stderr)
	}
}
