package wheel

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

// BenchmarkInstall installs the pip wheel that ships with python3 (~2 MB,
// ~850 files) into a fresh directory per iteration.
func BenchmarkInstall(b *testing.B) {
	pip := wheeltest.BundledWheels(b)["pip"]
	st, err := os.Stat(pip)
	if err != nil {
		b.Fatal(err)
	}
	root := b.TempDir()
	b.SetBytes(st.Size())
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(root, strconv.Itoa(i))
		if _, err := Install(context.Background(), pip, PosixScheme(dir, "/usr/local", "3.11")); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = os.RemoveAll(dir)
		b.StartTimer()
	}
}
