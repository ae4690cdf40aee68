package lock

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// tomlFixtures are the lockfiles under testdata/<dir>/<case>/ (one per case
// directory, named as the tool names it), keyed by case name.
func tomlFixtures(t *testing.T, dir string) map[string]string {
	t.Helper()
	cases, err := os.ReadDir(filepath.Join("testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join("testdata", dir, c.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if _, ok := FormatOf(f.Name()); ok {
				out[c.Name()] = filepath.Join("testdata", dir, c.Name(), f.Name())
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no fixtures under testdata/%s", dir)
	}
	return out
}

// runTOMLGolden parses every fixture of dir and compares the Lock with
// testdata/<dir>/<case>.golden.json; it also checks that each package's
// Line is the line of its table header.
func runTOMLGolden(t *testing.T, dir, header string) {
	for name, path := range tomlFixtures(t, dir) {
		t.Run(name, func(t *testing.T) {
			l, err := ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkGoldenJSON(t, filepath.Join("testdata", dir, name+".golden.json"), l)
			checkHeaderLines(t, path, header, l)
		})
	}
}

// checkHeaderLines asserts every Package.Line is a header line followed
// (within its table) by the package's name.
func checkHeaderLines(t *testing.T, path, header string, l *Lock) {
	t.Helper()
	lines := readLines(t, path)
	for _, p := range l.Packages {
		if p.Line < 1 || p.Line > len(lines) {
			t.Errorf("%s %s: line %d out of range", p.Name, p.Version, p.Line)
			continue
		}
		if got := strings.TrimSpace(lines[p.Line-1]); got != header {
			t.Errorf("%s %s: line %d is %q, want %q", p.Name, p.Version, p.Line, got, header)
		}
	}
}

// wantInputErr asserts err is an *inputerr.Error at line:col (col 0 = any)
// whose message contains want.
func wantInputErr(t *testing.T, err error, line, col int, want string) {
	t.Helper()
	var ie *inputerr.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T) is not an *inputerr.Error", err, err)
	}
	if ie.Line != line || (col != 0 && ie.Col != col) {
		t.Errorf("error at %d:%d, want %d:%d: %v", ie.Line, ie.Col, line, col, err)
	}
	if !strings.Contains(ie.Error(), want) {
		t.Errorf("error %q does not mention %q", ie.Error(), want)
	}
}
