package wheel

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestInstallMachineWheels installs every wheel that ships with the Pythons
// on this machine (ensurepip's bundled pip/setuptools of each pyenv version,
// the test suites' sample wheels): real wheels from many generators and
// years, py2.py3 tags included. Skipped when there are none.
func TestInstallMachineWheels(t *testing.T) {
	if testing.Short() {
		t.Skip("installs many wheels")
	}
	home, _ := os.UserHomeDir()
	var wheels []string
	for _, pattern := range []string{
		filepath.Join(home, ".pyenv/versions/*/lib/python*/ensurepip/_bundled/*.whl"),
		filepath.Join(home, ".pyenv/versions/*/lib/python*/test/*.whl"),
		filepath.Join(home, ".pyenv/versions/*/lib/python*/test/wheeldata/*.whl"),
		filepath.Join(home, ".pyenv/versions/*/lib/python*/test/test_importlib/*/*.whl"),
		filepath.Join(home, ".pyenv/versions/*/lib/python*/test/test_importlib/*/*/*.whl"),
		"/usr/lib/python3*/ensurepip/_bundled/*.whl",
		"/usr/share/python-wheels/*.whl",
	} {
		m, _ := filepath.Glob(pattern)
		wheels = append(wheels, m...)
	}
	if len(wheels) == 0 {
		t.Skip("no wheels on this machine")
	}
	for _, w := range wheels {
		rel, _ := filepath.Rel(home, w)
		t.Run(filepath.Base(filepath.Dir(w))+"/"+filepath.Base(w), func(t *testing.T) {
			s := PosixScheme(t.TempDir(), "/usr/local", "3.11")
			inst, err := Install(context.Background(), w, s)
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			if _, err := os.Stat(filepath.Join(inst.DistInfo, "RECORD")); err != nil {
				t.Error(err)
			}
		})
	}
}
