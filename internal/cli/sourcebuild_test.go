package cli

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/debian/debiantest"
	"pinwheel.dev/pinwheel/internal/sourcebuild/sdisttest"
)

// pinwheel build with an sdist-only dependency, then pinwheel run: the
// image built on examples/hello's real Debian base imports the package
// built from source and the wheel dependency.
func TestSourceBuildThenRunCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds from source under runc in a real Debian base")
	}
	requireRunc(t)
	dir := filepath.Join(t.TempDir(), "hello")
	if out, err := exec.Command("cp", "-r", "../../examples/hello", dir).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	if _, err := sdisttest.AddSdistDependency(dir); errors.Is(err, sdisttest.ErrNoBackendWheels) {
		debiantest.Require(t, err.Error())
	} else if err != nil {
		t.Fatal(err)
	}
	img := "oci:" + filepath.Join(t.TempDir(), "img")
	code, stdout, stderr := runPinwheel(t, "build", dir, "--find-links", filepath.Join(dir, "wheelhouse"), "--build-lock", filepath.Join(dir, "build-requirements.txt"),
		"--cache-dir", t.TempDir(), "--output", img)
	if code != 0 || !strings.Contains(stdout, "built from source: tinyfmt-1.0.tar.gz → tinyfmt-1.0-py3-none-any.whl") {
		t.Fatalf("build: exit %d:\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runPinwheel(t, "run", "--cache-dir", t.TempDir(), img, "--", "python", "-c", "import tinyfmt, greetlib; print(tinyfmt.shout(greetlib.greet('run')))")
	if code != 0 || stdout != "HELLO, RUN!!\n" {
		t.Fatalf("run: exit %d: %q %s", code, stdout, stderr)
	}
}
