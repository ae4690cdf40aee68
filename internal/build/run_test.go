package build_test

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

// extract flattens img into dir (regular files, dirs and symlinks).
func extract(t *testing.T, img v1.Image, dir string) {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			os.MkdirAll(p, 0o755)
		case tar.TypeSymlink:
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.Symlink(h.Linkname, p)
		case tar.TypeReg:
			os.MkdirAll(filepath.Dir(p), 0o755)
			b, _ := io.ReadAll(tr)
			if err := os.WriteFile(p, b, os.FileMode(h.Mode)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// The machine's python3 imports the installed package from the extracted
// image, runs its console script, and serves the example app.
func TestBuiltImageRuns(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	res := run(t, opts(copyExample(t, time.Now()), t.TempDir()))
	root := t.TempDir()
	extract(t, res.Image, root)
	site := filepath.Join(root, "opt/pinwheel/venv/lib/python3.11/site-packages")
	env := append(os.Environ(), "PYTHONPATH="+site, "PYTHONDONTWRITEBYTECODE=1")

	cmd := exec.Command(py, "-c", "import greetlib; print(greetlib.greet('pinwheel'), greetlib.__file__)")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "hello, pinwheel! "+site) {
		t.Fatalf("import from the layer: %v %s", err, out)
	}
	cmd = exec.Command(py, filepath.Join(root, "opt/pinwheel/venv/bin/greet"), "bob")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "hello, bob!\n" {
		t.Fatalf("console script: %v %q", err, out)
	}
	cfg, _ := os.ReadFile(filepath.Join(root, "opt/pinwheel/venv/pyvenv.cfg"))
	if !strings.Contains(string(cfg), "home = /usr/local/bin") {
		t.Errorf("pyvenv.cfg: %s", cfg)
	}

	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := exec.CommandContext(ctx, py, "-m", "hello")
	srv.Dir = filepath.Join(root, "app")
	srv.Env = append(env, fmt.Sprintf("PORT=%d", port))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); srv.Wait() }()
	url := fmt.Sprintf("http://127.0.0.1:%d/pinwheel", port)
	var body struct{ Message, Service string }
	for i := 0; i < 100; i++ {
		resp, err := http.Get(url)
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if body.Message != "hello, pinwheel!" || body.Service != "hello" {
		t.Errorf("service answered %+v", body)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
