package wheel

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

// TestInstallNativeWheel repacks the machine's installed MarkupSafe (a C
// extension, tag cp311-cp311-linux_x86_64 or similar) as a wheel with its
// .so, installs it into platlib, and imports the compiled module.
func TestInstallNativeWheel(t *testing.T) {
	py := wheeltest.Python(t)
	out, err := exec.Command(py, "-c", `
import importlib.metadata as md, json, email
d = md.distribution("markupsafe")
skip = ("__pycache__", ".dist-info/")
files = [str(f) for f in d.files if not any(s in str(f) for s in skip)]
wheel = email.message_from_string(d.read_text("WHEEL"))
print(json.dumps({"name": d.metadata["Name"], "version": d.version, "tag": wheel["Tag"],
                  "base": str(d.locate_file("")), "files": files}))
`).Output()
	if err != nil {
		t.Skipf("no installed markupsafe to repack: %v", err)
	}
	var dist struct {
		Name, Version, Tag, Base string
		Files                    []string
	}
	if err := json.Unmarshal(out, &dist); err != nil {
		t.Fatal(err)
	}
	w := wheeltest.Wheel{Name: dist.Name, Version: dist.Version, Tag: dist.Tag, RootIsPurelib: "false", Files: map[string]string{}}
	var so string
	for _, f := range dist.Files {
		data, err := os.ReadFile(filepath.Join(dist.Base, f))
		if err != nil {
			t.Fatal(err)
		}
		w.Files[f] = string(data)
		if strings.HasSuffix(f, ".so") {
			so = f
		}
	}
	if so == "" || strings.HasSuffix(dist.Tag, "-any") {
		t.Skipf("installed markupsafe is not a platform build (tag %s)", dist.Tag)
	}
	root := t.TempDir()
	s := PosixScheme(root, "/usr/local", "3.11")
	s.Platlib = filepath.Join(root, "usr/local/lib64/python3.11/site-packages")
	inst, err := Install(context.Background(), wheeltest.Write(t, t.TempDir(), w), s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(inst.DistInfo, s.Platlib) {
		t.Errorf("dist-info in %s, want platlib", inst.DistInfo)
	}
	cmd := exec.Command(py, "-I", "-c", `import sys; sys.path.insert(0, sys.argv[1])
import markupsafe, markupsafe._speedups as sp
print(sp.__file__.startswith(sys.argv[1]), markupsafe.escape("<x>"))`, s.Platlib)
	got, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(got)) != "True &lt;x&gt;" {
		t.Errorf("import the installed extension (%s): %v\n%s", so, err, got)
	}
}
