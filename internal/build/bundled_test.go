package build_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/build/wheelsrc"
	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

// The real pip and setuptools wheels that ship with the machine's Python,
// locked by hash in requirements.txt and found with --find-links, install
// into the image and import from the extracted layer.
func TestBuildWithBundledWheels(t *testing.T) {
	if testing.Short() {
		t.Skip("installs pip and setuptools: slow")
	}
	wheels := wheeltest.BundledWheels(t)
	py := wheeltest.Python(t)
	dir := copyExample(t, time.Now())
	var names []string
	var reqs strings.Builder
	for name, path := range wheels {
		names = append(names, name)
		sum, err := wheelsrc.SHA256(path)
		if err != nil {
			t.Fatal(err)
		}
		version := strings.Split(filepath.Base(path), "-")[1]
		fmt.Fprintf(&reqs, "%s==%s --hash=sha256:%s\n", name, version, sum)
	}
	sort.Strings(names)
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte(reqs.String()), 0o644)
	rewriteConfig(t, dir, "lockfile: pylock.toml", "lockfile: requirements.txt")
	o := opts(dir, t.TempDir())
	o.FindLinks = []string{wheeltest.BundledDir(t)}
	res := run(t, o)
	if len(res.Materials) != 1+len(wheels) {
		t.Errorf("materials %+v", res.Materials)
	}
	root := t.TempDir()
	extract(t, res.Image, root)
	site := filepath.Join(root, "opt/pinwheel/venv/lib/python3.11/site-packages")
	for _, name := range names {
		cmd := exec.Command(py, "-c", "import "+name+"; print("+name+".__file__)")
		cmd.Env = append(os.Environ(), "PYTHONPATH="+site, "PYTHONDONTWRITEBYTECODE=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), site) {
			t.Errorf("import %s from the layer: %v %s", name, err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "opt/pinwheel/venv/bin/pip")); err != nil {
		t.Errorf("pip console script missing: %v", err)
	}
}
