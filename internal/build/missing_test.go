package build_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/build/wheelsrc"
)

// pureWheel builds a one-module pure wheel name==1.0 into dir (body tells
// two builds of the same release apart) and returns its sha256.
func pureWheel(t *testing.T, dir, name, body string) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), name)
	os.MkdirAll(src, 0o755)
	if err := os.WriteFile(filepath.Join(src, name+".py"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := wheelsrc.Build(wheelsrc.Project{Name: name, Version: "1.0", Src: src}, dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := wheelsrc.SHA256(p)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// A requirements lock with hashes whose wheelhouse lacks two pure wheels
// and holds a third that is not the locked file: one run names all three,
// each at its lock line, with its own fix.
func TestMissingArtifactsAllAtOnce(t *testing.T) {
	dir, wheelhouse := hashOnlyProject(t)
	elsewhere := t.TempDir()
	alpha := pureWheel(t, elsewhere, "alpha", "A = 1\n")
	beta := pureWheel(t, elsewhere, "beta", "B = 1\n")
	gamma := pureWheel(t, elsewhere, "gamma", "G = 1\n")
	pureWheel(t, wheelhouse, "gamma", "G = 2  # not the locked file\n")
	req, _ := os.ReadFile(filepath.Join(dir, "requirements.txt"))
	for _, l := range []struct{ name, sum string }{{"alpha", alpha}, {"beta", beta}, {"gamma", gamma}} {
		req = fmt.Appendf(req, "%s==1.0 \\\n    --hash=sha256:%s\n", l.name, l.sum)
	}
	os.WriteFile(filepath.Join(dir, "requirements.txt"), req, 0o644)

	o := opts(dir, t.TempDir())
	o.FindLinks = []string{wheelhouse}
	_, err := build.Run(context.Background(), o)
	var ae *build.ArtifactsError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want an ArtifactsError", err)
	}
	want := []struct {
		pos  string
		kind build.ProblemKind
	}{{"requirements.txt:3", build.ProblemAbsent}, {"requirements.txt:5", build.ProblemAbsent}, {"requirements.txt:7", build.ProblemHashMismatch}}
	if len(ae.Problems) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(ae.Problems), len(want), err)
	}
	for i, w := range want {
		p := ae.Problems[i]
		if got := fmt.Sprintf("%s:%d", p.File, p.Line); got != w.pos || p.Kind != w.kind {
			t.Errorf("problem %d: %s %s, want %s %s", i, got, p.Kind, w.pos, w.kind)
		}
	}
	msg := err.Error()
	for _, s := range []string{"requirements.txt:3: alpha 1.0: absent", "requirements.txt:5: beta 1.0: absent",
		"requirements.txt:7: gamma 1.0: hash-mismatch: found gamma-1.0-py3-none-any.whl (sha256:",
		"pinwheel fetch --dest " + wheelhouse, "re-lock so the lock records its hash"} {
		if !strings.Contains(msg, s) {
			t.Errorf("message lacks %q:\n%s", s, msg)
		}
	}
	if strings.Contains(msg, "greetlib") {
		t.Errorf("the wheel that is there is named as a problem:\n%s", msg)
	}
}

// A lock that names its files (pylock.toml): a file absent from its path
// and a file that is not the locked one are found while fetching, together.
func TestMissingNamedFilesAllAtOnce(t *testing.T) {
	dir := copyExample(t, time.Now())
	wheelhouse := filepath.Join(dir, "wheelhouse")
	alpha := pureWheel(t, t.TempDir(), "alpha", "A = 1\n")
	b, _ := os.ReadFile(filepath.Join(dir, "pylock.toml"))
	b = fmt.Appendf(b, "\n[[packages]]\nname = \"alpha\"\nversion = \"1.0\"\n\n[[packages.wheels]]\nname = \"alpha-1.0-py3-none-any.whl\"\npath = \"wheelhouse/alpha-1.0-py3-none-any.whl\"\nhashes = {sha256 = %q}\n", alpha)
	os.WriteFile(filepath.Join(dir, "pylock.toml"), b, 0o644)
	whl := filepath.Join(wheelhouse, "greetlib-1.0.0-py3-none-any.whl")
	w, _ := os.ReadFile(whl)
	os.WriteFile(whl, append(w, 0), 0o644)

	_, err := build.Run(context.Background(), opts(dir, t.TempDir()))
	var ae *build.ArtifactsError
	if !errors.As(err, &ae) || len(ae.Problems) != 2 {
		t.Fatalf("err = %v, want an ArtifactsError with 2 problems", err)
	}
	kinds := map[string]build.ProblemKind{}
	for _, p := range ae.Problems {
		kinds[p.Package] = p.Kind
		if p.File != "pylock.toml" || p.Line == 0 {
			t.Errorf("%s at %s:%d, want a pylock.toml line", p.Package, p.File, p.Line)
		}
	}
	if kinds["alpha"] != build.ProblemAbsent || kinds["greetlib"] != build.ProblemHashMismatch {
		t.Errorf("kinds %v, want alpha absent and greetlib hash-mismatch:\n%v", kinds, err)
	}
	if !strings.Contains(err.Error(), "no --find-links and no --index-url were given") {
		t.Errorf("no advice about the sources searched:\n%v", err)
	}
}
