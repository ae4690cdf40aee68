package wheelsrc

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/wheel"
)

func TestBuildIsDeterministicAndInstallable(t *testing.T) {
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "demo"), 0o755)
	os.WriteFile(filepath.Join(src, "demo", "__init__.py"), []byte("def main():\n    print('hi')\n"), 0o644)
	os.MkdirAll(filepath.Join(src, "demo", "__pycache__"), 0o755)
	os.WriteFile(filepath.Join(src, "demo", "__pycache__", "x.pyc"), []byte("junk"), 0o644)
	p := Project{Name: "demo-pkg", Version: "0.1", Src: src, Requires: []string{"greetlib>=1"}, ConsoleScripts: map[string]string{"demo": "demo:main"}}
	a, err := Build(p, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	os.Chtimes(filepath.Join(src, "demo", "__init__.py"), time.Unix(5, 0), time.Unix(5, 0))
	b, err := Build(p, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if !bytes.Equal(x, y) || filepath.Base(a) != "demo_pkg-0.1-py3-none-any.whl" {
		t.Fatalf("builds differ or bad name %s", a)
	}
	root := t.TempDir()
	scheme := wheel.PosixScheme(root, "/usr/local", "3.11")
	inst, err := wheel.Install(context.Background(), a, scheme)
	if err != nil {
		t.Fatalf("the wheel does not install: %v", err)
	}
	if inst.Name != "demo-pkg" || len(inst.Scripts) != 1 {
		t.Errorf("installed %+v", inst)
	}
	for _, f := range inst.Files {
		if filepath.Ext(f) == ".pyc" {
			t.Errorf("__pycache__ packed: %s", f)
		}
	}
}
