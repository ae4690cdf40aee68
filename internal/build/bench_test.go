package build_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"pinwheel.dev/pinwheel/internal/build"
)

// BenchmarkAppOnlyRebuild rebuilds the example after an app change with a
// warm cache: what a developer waits for between edits.
func BenchmarkAppOnlyRebuild(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "hello")
	if err := os.CopyFS(dir, os.DirFS(exampleDir)); err != nil {
		b.Fatal(err)
	}
	o := opts(dir, b.TempDir())
	o.Outputs = []string{"oci:" + filepath.Join(b.TempDir(), "out")}
	if _, err := build.Run(context.Background(), o); err != nil {
		b.Fatal(err)
	}
	main := filepath.Join(dir, "hello", "__main__.py")
	i := 0
	for b.Loop() {
		i++
		os.WriteFile(main, []byte("# "+strconv.Itoa(i)+"\n"), 0o644)
		if _, err := build.Run(context.Background(), o); err != nil {
			b.Fatal(err)
		}
	}
}
