package local

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// python is the machine's interpreter that replicas run on.
type python struct {
	exe     string // resolved path of the real executable
	version string // "3.11.2"
}

// minor returns "3.11".
func (p python) minor() string { return minorOf(p.version) }

func minorOf(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

func detectPython(ctx context.Context, exe string) (python, error) {
	out, err := exec.CommandContext(ctx, exe, "-I", "-c",
		"import sys,os;print(sys.version.split()[0]);print(os.path.realpath(sys.executable))").Output()
	if err != nil {
		return python{}, fmt.Errorf("run %s: %w (the local runtime needs python3 on PATH or --python)", exe, err)
	}
	lines := strings.Fields(string(out))
	if len(lines) != 2 {
		return python{}, fmt.Errorf("run %s: unexpected output %q", exe, out)
	}
	return python{version: lines[0], exe: lines[1]}, nil
}

// makeVenv writes a minimal virtual environment in dir whose interpreter is
// py and whose only extra import roots are siteDirs (processed as site
// directories, so their .pth files work). The host's site-packages, user
// site and PYTHONPATH are not visible. It returns the venv's python.
func makeVenv(dir string, py python, siteDirs []string) (string, error) {
	bin := filepath.Join(dir, "bin")
	site := filepath.Join(dir, "lib", "python"+py.minor(), "site-packages")
	for _, d := range []string{bin, site} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", err
		}
	}
	cfg := fmt.Sprintf("home = %s\ninclude-system-site-packages = false\nversion = %s\n", filepath.Dir(py.exe), py.version)
	if err := writeFileAtomic(filepath.Join(dir, "pyvenv.cfg"), []byte(cfg), 0o644); err != nil {
		return "", err
	}
	for _, name := range []string{"python", "python3", "python" + py.minor()} {
		link := filepath.Join(bin, name)
		os.Remove(link)
		if err := os.Symlink(py.exe, link); err != nil {
			return "", err
		}
	}
	var pth strings.Builder
	for _, d := range siteDirs {
		fmt.Fprintf(&pth, "import site; site.addsitedir(%q)\n", d)
	}
	if err := writeFileAtomic(filepath.Join(site, "_pinwheel_deps.pth"), []byte(pth.String()), 0o644); err != nil {
		return "", err
	}
	return filepath.Join(bin, "python3"), nil
}

// writeFileAtomic writes data to a temporary file beside path and renames it.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func isPythonName(arg0 string) bool {
	base := filepath.Base(arg0)
	if base == "python" || base == "python3" {
		return true
	}
	rest, ok := strings.CutPrefix(base, "python3.")
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
