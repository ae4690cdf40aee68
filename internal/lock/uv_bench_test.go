package lock

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strings"
	"testing"
)

// syntheticUVLock writes a uv.lock of n registry packages shaped like real
// ones (an sdist and four platform wheels each, up to three edges), plus
// the editable project that depends on the first ten.
func syntheticUVLock(n int) []byte {
	var b strings.Builder
	b.WriteString("version = 1\nrevision = 3\nrequires-python = \">=3.11\"\n\n")
	b.WriteString("[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\ndependencies = [\n")
	for i := 0; i < 10 && i < n; i++ {
		fmt.Fprintf(&b, "    { name = \"pkg-%04d\" },\n", i)
	}
	b.WriteString("]\n")
	art := func(file string) string {
		sum := sha256.Sum256([]byte(file))
		return fmt.Sprintf("{ url = \"https://files.pythonhosted.org/packages/ab/cd/%x/%s\", hash = \"sha256:%x\", size = %d, upload-time = \"2025-01-02T03:04:05Z\" }",
			sum[:30], file, sum, 1000+len(file))
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("pkg-%04d", i)
		stem := strings.ReplaceAll(name, "-", "_")
		fmt.Fprintf(&b, "\n[[package]]\nname = %q\nversion = \"1.%d.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n", name, i%7)
		if deps := min(3, n-1-i); deps > 0 {
			b.WriteString("dependencies = [\n")
			for d := 1; d <= deps; d++ {
				fmt.Fprintf(&b, "    { name = \"pkg-%04d\", marker = \"sys_platform != 'emscripten'\" },\n", i+d)
			}
			b.WriteString("]\n")
		}
		fmt.Fprintf(&b, "sdist = %s\nwheels = [\n", art(fmt.Sprintf("%s-1.%d.0.tar.gz", stem, i%7)))
		for _, tag := range []string{"cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", "cp312-cp312-musllinux_1_2_x86_64", "cp312-cp312-macosx_11_0_arm64", "cp312-cp312-win_amd64"} {
			fmt.Fprintf(&b, "    %s,\n", art(fmt.Sprintf("%s-1.%d.0-%s.whl", stem, i%7, tag)))
		}
		b.WriteString("]\n")
	}
	return []byte(b.String())
}

func TestSyntheticUVLockParses(t *testing.T) {
	l, err := Parse("uv.lock", FormatUV, syntheticUVLock(50))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Packages) != 51 {
		t.Fatalf("%d packages, want 51", len(l.Packages))
	}
	last, _ := l.Find("pkg-0049")
	if len(last.Artifacts) != 5 || last.Groups == nil || last.Groups[0] != "main" {
		t.Errorf("pkg-0049 = %+v, want 5 artifacts in group main (reached through the chain)", last)
	}
}

func BenchmarkParseUV2000(b *testing.B) {
	data := syntheticUVLock(2000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("uv.lock", FormatUV, data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteSyntheticUVLock writes the benchmark's 2,000-package uv.lock to
// $PINWHEEL_SYNTHETIC_UVLOCK for side-by-side runs (bench/tomllocks); it is
// skipped when the variable is unset.
func TestWriteSyntheticUVLock(t *testing.T) {
	out := os.Getenv("PINWHEEL_SYNTHETIC_UVLOCK")
	if out == "" {
		t.Skip("PINWHEEL_SYNTHETIC_UVLOCK not set")
	}
	if err := os.WriteFile(out, syntheticUVLock(2000), 0o644); err != nil {
		t.Fatal(err)
	}
}
