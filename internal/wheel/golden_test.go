package wheel

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestInstalledFilesGolden pins the exact bytes of what Install writes
// besides the package's own files: the rewritten RECORD, INSTALLER and the
// launchers. Run with -update after an intended change.
func TestInstalledFilesGolden(t *testing.T) {
	s := PosixScheme(t.TempDir(), "/usr/local", "3.11")
	inst, err := Install(context.Background(), wheeltest.Write(t, t.TempDir(), helloWheel()), s, WithRequested(true))
	if err != nil {
		t.Fatal(err)
	}
	for golden, path := range map[string]string{
		"hello.RECORD":        filepath.Join(inst.DistInfo, "RECORD"),
		"hello.INSTALLER":     filepath.Join(inst.DistInfo, "INSTALLER"),
		"hello.launcher":      filepath.Join(s.Scripts, "hello-app"),
		"legacy-hello.script": filepath.Join(s.Scripts, "legacy-hello"),
	} {
		t.Run(golden, func(t *testing.T) {
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			gp := filepath.Join("testdata", golden+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(gp, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(gp)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", path, gp, got, want)
			}
		})
	}
}
