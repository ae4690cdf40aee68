package wheel

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

// helloWheel is a small real package: a console script, a nested-attribute
// console script, a GUI script, a #!python script and every .data scheme.
func helloWheel() wheeltest.Wheel {
	return wheeltest.Wheel{
		Name: "hello-world", Version: "0.3", Tag: "py3-none-any",
		Files: map[string]string{
			"hello/__init__.py": "import sys\ndef main():\n    print('hello from', sys.argv[0].rsplit('/', 1)[-1], *sys.argv[1:])\n    return 3\n",
			"hello/cli.py":      "class App:\n    @staticmethod\n    def run():\n        print('App.run')\n",
		},
		Data: map[string]string{
			"scripts/legacy-hello":      "#!python\nimport hello_ext\nprint('legacy', hello_ext.VALUE)\n",
			"scripts/plain.sh":          "#!/bin/sh\necho plain\n",
			"platlib/hello_ext.py":      "VALUE = 42\n",
			"data/share/hello/conf.txt": "k = v\n",
			"headers/hello.h":           "#define HELLO 1\n",
		},
		EntryPoints: "[console_scripts]\nhello = hello:main\nhello-app = hello.cli:App.run [extra]\n\n[gui_scripts]\nhello-gui = hello:main\n\n[other.group]\nignored = nothing:here\n",
	}
}

func TestInstallRealPackage(t *testing.T) {
	py := wheeltest.Python(t)
	s := PosixScheme(t.TempDir(), "/usr/local", "3.11")
	s.Interpreter = py
	inst, err := Install(context.Background(), wheeltest.Write(t, t.TempDir(), helloWheel()), s, WithDirectURL("https://example.test/hello.whl", "abc"))
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "PYTHONPATH="+s.Purelib, "PYTHONNOUSERSITE=1")
	tests := []struct {
		script   string
		args     []string
		want     string
		wantExit int
	}{
		{"hello", []string{"a", "b"}, "hello from hello a b\n", 3},
		{"hello-app", nil, "App.run\n", 0},
		{"hello-gui", nil, "hello from hello-gui\n", 3},
		{"legacy-hello", nil, "legacy 42\n", 0},
		{"plain.sh", nil, "plain\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			cmd := exec.Command(filepath.Join(s.Scripts, tt.script), tt.args...)
			cmd.Env = env
			out, err := cmd.Output()
			if code := cmd.ProcessState.ExitCode(); code != tt.wantExit {
				t.Fatalf("exit %d (%v), want %d; output %q", code, err, tt.wantExit, out)
			}
			if string(out) != tt.want {
				t.Errorf("output %q, want %q", out, tt.want)
			}
		})
	}
	for path, want := range map[string]string{
		filepath.Join(s.Data, "share/hello/conf.txt"):   "k = v\n",
		filepath.Join(s.Headers, "hello.h"):             "#define HELLO 1\n",
		filepath.Join(inst.DistInfo, "direct_url.json"): `{"archive_info":{"hashes":{"sha256":"abc"}},"url":"https://example.test/hello.whl"}`,
	} {
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", path, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(s.Purelib, "hello_world-0.3.data")); !os.IsNotExist(err) {
		t.Errorf(".data directory left in site-packages: %v", err)
	}
	record, _ := os.ReadFile(filepath.Join(inst.DistInfo, "RECORD"))
	for _, row := range []string{"../../../bin/hello,sha256=", "../../../bin/legacy-hello,sha256=", "../../../share/hello/conf.txt,sha256=", "hello_world-0.3.dist-info/RECORD,,"} {
		if !strings.Contains(string(record), row) {
			t.Errorf("RECORD lacks %q:\n%s", row, record)
		}
	}
	if strings.Contains(string(record), "other.group") || strings.Contains(string(record), "bin/ignored") {
		t.Error("non-script entry point group produced a script")
	}
	checkRecord(t, s, inst)
}

func TestInstallNotPurelibGoesToPlatlib(t *testing.T) {
	w := basicWheel()
	w.RootIsPurelib = "false"
	root := t.TempDir()
	s := PosixScheme(root, "/usr/local", "3.11")
	s.Platlib = filepath.Join(root, "usr/local/lib64/python3.11/site-packages")
	inst, err := Install(context.Background(), wheeltest.Write(t, t.TempDir(), w), s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(inst.DistInfo, s.Platlib) {
		t.Errorf("dist-info at %s, want under platlib %s", inst.DistInfo, s.Platlib)
	}
	if _, err := os.Stat(filepath.Join(s.Platlib, "demo", "util.py")); err != nil {
		t.Error(err)
	}
}

func TestShebangTrampolineForPathWithSpaces(t *testing.T) {
	py := wheeltest.Python(t)
	dir := filepath.Join(t.TempDir(), "my python")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	interp := filepath.Join(dir, "python3")
	if err := os.Symlink(py, interp); err != nil {
		t.Fatal(err)
	}
	s := PosixScheme(t.TempDir(), "/usr/local", "3.11")
	s.Interpreter = interp
	if _, err := Install(context.Background(), wheeltest.Write(t, t.TempDir(), helloWheel()), s); err != nil {
		t.Fatal(err)
	}
	for _, script := range []string{"hello", "legacy-hello"} {
		cmd := exec.Command(filepath.Join(s.Scripts, script))
		cmd.Env = append(os.Environ(), "PYTHONPATH="+s.Purelib)
		out, _ := cmd.Output()
		if !strings.Contains(string(out), "hello") && !strings.Contains(string(out), "legacy") {
			t.Errorf("%s via %q printed %q", script, interp, out)
		}
	}
	head, _ := os.ReadFile(filepath.Join(s.Scripts, "hello"))
	if !strings.HasPrefix(string(head), "#!/bin/sh\n'''exec' '"+interp+"'") {
		t.Errorf("launcher does not use the sh trampoline:\n%s", head)
	}
}

// treeDigest describes every path under root with its mode, mtime and content hash.
func treeDigest(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		sum := ""
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum = fmt.Sprintf("%x", sha256.Sum256(data))
		}
		if rel != "." {
			fmt.Fprintf(&b, "%s\t%v\t%d\t%s\n", rel, info.Mode(), info.ModTime().Unix(), sum)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestInstallIsDeterministic(t *testing.T) {
	bundled := wheeltest.BundledWheels(t)
	old := syscallUmask(0o077) // a strict umask must not change modes
	defer syscallUmask(old)
	var digests []string
	for i := 0; i < 2; i++ {
		root := t.TempDir()
		s := PosixScheme(root, "/usr/local", "3.11")
		for _, whl := range []string{bundled["setuptools"], bundled["pip"], wheeltest.Write(t, t.TempDir(), helloWheel())} {
			if _, err := Install(context.Background(), whl, s); err != nil {
				t.Fatal(err)
			}
		}
		digests = append(digests, treeDigest(t, filepath.Join(root, "usr")))
	}
	if digests[0] != digests[1] {
		t.Fatal("two installs of the same wheels differ")
	}
	for _, line := range strings.Split(digests[0], "\n") {
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if f[2] != fmt.Sprint(DefaultModTime.Unix()) {
			t.Errorf("%s has mtime %s, want %d", f[0], f[2], DefaultModTime.Unix())
		}
		if f[1] != "-rw-r--r--" && f[1] != "-rwxr-xr-x" && f[1] != "drwxr-xr-x" {
			t.Errorf("%s has mode %s", f[0], f[1])
		}
	}
}
