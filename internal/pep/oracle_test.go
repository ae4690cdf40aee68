package pep

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runPackagingOracle runs script under the machine's python3 with the copy of
// the "packaging" library that pip vendors (pip ships inside CPython's
// ensurepip), feeding it input as JSON on stdin and decoding its JSON stdout
// into out. It lets the tests compare this package with the reference
// implementation on many inputs. Skipped when python3 or the bundled pip
// wheel is missing, or under -short.
func runPackagingOracle(t *testing.T, script string, input, out any) {
	t.Helper()
	if testing.Short() {
		t.Skip("python oracle skipped under -short")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	dir, err := exec.Command(py, "-c", "import ensurepip,os;print(os.path.dirname(ensurepip.__file__))").Output()
	if err != nil {
		t.Skipf("ensurepip not available: %v", err)
	}
	wheels, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(dir)), "_bundled", "pip-*.whl"))
	if len(wheels) == 0 {
		t.Skip("no bundled pip wheel")
	}
	in, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	prelude := "import sys, json\nsys.path.insert(0, sys.argv[1])\ndata = json.load(sys.stdin)\n"
	cmd := exec.Command(py, "-c", prelude+script, wheels[0])
	cmd.Stdin = bytes.NewReader(in)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("python oracle: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("python oracle output: %v\n%s", err, stdout)
	}
}
