package wheel

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pyindex"
	"pinwheel.dev/pinwheel/internal/pyindex/localindex"
	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

// TestInstallLockFromRequirements parses a real hash-pinned requirements
// file, serves the wheels from a local index and installs them.
func TestInstallLockFromRequirements(t *testing.T) {
	py := wheeltest.Python(t)
	house := t.TempDir()
	hello := wheeltest.Write(t, house, helloWheel())
	alpha := wheeltest.Write(t, house, wheeltest.Wheel{Name: "alpha", Version: "1.0", Files: map[string]string{"alpha.py": "A = 'alpha'\n"}})
	srv := httptest.NewServer(localindex.New(house))
	defer srv.Close()

	proj := t.TempDir()
	req := fmt.Sprintf(`alpha==1.0 \
    --hash=sha256:%s
hello-world==0.3 \
    --hash=sha256:%s \
    --hash=sha256:%s
pywin32==306 ; sys_platform == "win32" \
    --hash=sha256:%s
`, wheeltest.SHA256(t, alpha), strings.Repeat("1", 64), wheeltest.SHA256(t, hello), strings.Repeat("2", 64))
	reqPath := filepath.Join(proj, "requirements.txt")
	if err := os.WriteFile(reqPath, []byte(req), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := lock.ParseFile(reqPath)
	if err != nil {
		t.Fatal(err)
	}
	client, err := pyindex.New(pyindex.WithIndexURL(srv.URL+"/simple/"), pyindex.WithCacheDir(t.TempDir()), pyindex.WithNetrc(""))
	if err != nil {
		t.Fatal(err)
	}
	s := PosixScheme(t.TempDir(), "/usr/local", "3.11")
	s.Interpreter = py
	got, err := InstallLock(context.Background(), l, linuxTarget(t, "amd64", "3.11"), client, s)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, inst := range got {
		names = append(names, inst.Name+"=="+inst.Version)
	}
	if strings.Join(names, " ") != "alpha==1.0 hello-world==0.3" {
		t.Fatalf("installed %v, want alpha and hello-world (pywin32's marker is false on linux)", names)
	}
	cmd := exec.Command(filepath.Join(s.Scripts, "legacy-hello"))
	cmd.Env = append(os.Environ(), "PYTHONPATH="+s.Purelib)
	if out, err := cmd.Output(); err != nil || string(out) != "legacy 42\n" {
		t.Errorf("legacy-hello: %q %v", out, err)
	}
	imp := exec.Command(py, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); import alpha; print(alpha.A)", s.Purelib)
	if out, err := imp.Output(); err != nil || string(out) != "alpha\n" {
		t.Errorf("import alpha: %q %v", out, err)
	}
}

func TestInstallLockNamedFilesMismatchRefused(t *testing.T) {
	house := t.TempDir()
	p := wheeltest.Write(t, house, wheeltest.Wheel{Name: "alpha", Version: "1.0", Files: map[string]string{"alpha.py": "A = 1\n"}})
	l := &lock.Lock{Packages: []lock.Package{{Name: "alpha", Version: "1.0", Source: lock.Source{Kind: lock.SourceRegistry},
		Artifacts: []lock.Artifact{{Kind: lock.ArtifactWheel, Name: filepath.Base(p), Hashes: map[string]string{"sha256": strings.Repeat("0", 64)}}}}}}
	client, err := pyindex.New(pyindex.WithIndexURL(""), pyindex.WithFindLinks(house), pyindex.WithCacheDir(t.TempDir()), pyindex.WithNetrc(""))
	if err != nil {
		t.Fatal(err)
	}
	s := PosixScheme(t.TempDir(), "/usr/local", "3.11")
	_, err = InstallLock(context.Background(), l, linuxTarget(t, "amd64", "3.11"), client, s)
	if err == nil || !strings.Contains(err.Error(), "hash mismatch for alpha file "+filepath.Base(p)) {
		t.Fatalf("err = %v, want a hash mismatch naming the package and file", err)
	}
	if files := filesUnder(t, filepath.Dir(filepath.Dir(s.Scripts))); len(files) != 0 {
		t.Errorf("files installed despite the mismatch: %v", files)
	}
}
