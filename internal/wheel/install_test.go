package wheel

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

func testScheme(t *testing.T, interpreter string) Scheme {
	t.Helper()
	s := PosixScheme(t.TempDir(), "/usr/local", "3.11")
	s.Interpreter = interpreter
	return s
}

func TestInstallBundledPip(t *testing.T) {
	py := wheeltest.Python(t)
	bundled := wheeltest.BundledWheels(t)
	s := testScheme(t, py)
	inst, err := Install(context.Background(), bundled["pip"], s, WithRequested(true))
	if err != nil {
		t.Fatal(err)
	}
	if inst.Name != "pip" || !strings.HasSuffix(inst.DistInfo, ".dist-info") {
		t.Fatalf("installed %+v", inst)
	}
	installer, err := os.ReadFile(filepath.Join(inst.DistInfo, "INSTALLER"))
	if err != nil || string(installer) != "pinwheel\n" {
		t.Errorf("INSTALLER = %q, %v", installer, err)
	}
	if _, err := os.Stat(filepath.Join(inst.DistInfo, "REQUESTED")); err != nil {
		t.Errorf("REQUESTED missing: %v", err)
	}
	launcher := filepath.Join(s.Scripts, "pip")
	st, err := os.Stat(launcher)
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("launcher %s: %v mode %v", launcher, err, st)
	}
	// Run the launcher with the machine's python, importing from purelib.
	cmd := exec.Command(launcher, "--version")
	cmd.Env = append(os.Environ(), "PYTHONPATH="+s.Purelib, "PYTHONNOUSERSITE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", launcher, err, out)
	}
	if !strings.Contains(string(out), "pip "+inst.Version) || !strings.Contains(string(out), s.Purelib) {
		t.Errorf("pip --version = %q, want version %s from %s", out, inst.Version, s.Purelib)
	}
	checkRecord(t, s, inst)
}

// checkRecord asks Python's importlib.metadata to list and hash the
// installed files, and compares with what is on disk.
func checkRecord(t *testing.T, s Scheme, inst Installed) {
	t.Helper()
	script := `
import sys, importlib.metadata as md, hashlib, base64
d = md.distribution(sys.argv[1])
bad = 0
for f in d.files:
    p = f.locate()
    if f.hash is None:
        continue
    data = open(p, "rb").read()
    digest = base64.urlsafe_b64encode(hashlib.new(f.hash.mode, data).digest()).rstrip(b"=").decode()
    if digest != f.hash.value or len(data) != f.size:
        print("BAD", f); bad += 1
print(d.metadata["Name"], d.version, len(d.files), d.read_text("INSTALLER").strip(), bad)
`
	cmd := exec.Command(wheeltest.Python(t), "-I", "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); exec(sys.argv.pop(1))", s.Purelib, script, inst.Name)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("importlib.metadata check: %v\n%s", err, out)
	}
	fields := strings.Fields(string(out))
	if len(fields) != 5 || fields[3] != "pinwheel" || fields[4] != "0" {
		t.Errorf("importlib.metadata says %q", out)
	}
	rec, err := os.Open(filepath.Join(inst.DistInfo, "RECORD"))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	rows, err := csv.NewReader(rec).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(inst.Files) {
		t.Errorf("RECORD has %d rows, Installed.Files %d", len(rows), len(inst.Files))
	}
}
