package build_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/build/wheelsrc"
)

var update = flag.Bool("update", false, "rewrite examples/hello's wheelhouse and lock")

const exampleDir = "../../examples/hello"

var greetlib = wheelsrc.Project{
	Name: "greetlib", Version: "1.0.0", Summary: "Greetings for the hello example",
	ConsoleScripts: map[string]string{"greet": "greetlib:main"},
	Src:            filepath.Join(exampleDir, "greetlib-src"),
}

const pylockTemplate = `# The example's lock (PEP 751). The wheel is built from greetlib-src/ by
# pinwheel's own wheelsrc package: go test ./internal/build -run TestExampleHello -update
lock-version = "1.0"
created-by = "pinwheel"
requires-python = ">=3.11"

[[packages]]
name = "greetlib"
version = "1.0.0"

[[packages.wheels]]
name = "greetlib-1.0.0-py3-none-any.whl"
path = "wheelhouse/greetlib-1.0.0-py3-none-any.whl"
hashes = {sha256 = "HASH"}
`

// The example's wheelhouse and lock are generated from source
// by this repository; this test fails when they drift (rerun with -update).
func TestExampleHelloIsUpToDate(t *testing.T) {
	tmp := t.TempDir()
	whl, err := wheelsrc.Build(greetlib, tmp)
	if err != nil {
		t.Fatal(err)
	}
	sum, _ := wheelsrc.SHA256(whl)
	lockText := strings.Replace(pylockTemplate, "HASH", sum, 1)
	if *update {
		os.RemoveAll(filepath.Join(exampleDir, "wheelhouse"))
		if _, err := wheelsrc.Build(greetlib, filepath.Join(exampleDir, "wheelhouse")); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(exampleDir, "pylock.toml"), []byte(lockText), 0o644)
	}
	committed, err := os.ReadFile(filepath.Join(exampleDir, "wheelhouse", greetlib.FileName()))
	if err != nil {
		t.Fatal(err)
	}
	built, _ := os.ReadFile(whl)
	if !bytes.Equal(committed, built) {
		t.Error("examples/hello/wheelhouse is stale: go test ./internal/build -run TestExampleHello -update")
	}
	if b, _ := os.ReadFile(filepath.Join(exampleDir, "pylock.toml")); string(b) != lockText {
		t.Error("examples/hello/pylock.toml is stale")
	}
	cfg, _ := os.ReadFile(filepath.Join(exampleDir, "pinwheel.yaml"))
	if !strings.Contains(string(cfg), "\nbase: {debian: {") {
		t.Error("examples/hello/pinwheel.yaml must name a Debian base (base: {debian: …})")
	}
	if _, err := os.Stat(filepath.Join(exampleDir, "base.lock")); err != nil {
		t.Errorf("examples/hello has no base.lock (pinwheel base lock): %v", err)
	}
}
