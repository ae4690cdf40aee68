package check

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run with -update to accept):\n--- got\n%s", name, got)
	}
}

// richReport runs the rich project with a stable Dir so goldens do not
// depend on where the test runs.
func richReport(t *testing.T) Report {
	t.Helper()
	rep := runProject(t, "rich")
	rep.Dir = "testdata/projects/rich"
	return rep
}

func TestGolden(t *testing.T) {
	rep := richReport(t)
	writers := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"rich.golden.txt", func(b *bytes.Buffer) error { return WriteText(b, rep) }},
		{"rich.golden.json", func(b *bytes.Buffer) error { return WriteJSON(b, rep) }},
		{"rich.golden.sarif", func(b *bytes.Buffer) error { return WriteSARIF(b, rep, SARIFOptions{ToolVersion: "test"}) }},
	}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := w.write(&buf); err != nil {
				t.Fatal(err)
			}
			golden(t, w.name, buf.Bytes())
		})
	}
}

// TestOutputIsDeterministic runs the same project twice and expects
// byte-identical output: findings are sorted, maps are not iterated raw.
func TestOutputIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteSARIF(&a, richReport(t), SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteSARIF(&b, richReport(t), SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two runs over the same project wrote different SARIF")
	}
}
