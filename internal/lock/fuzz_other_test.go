package lock

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// addSeeds adds every file matching the globs under testdata as a seed.
func addSeeds(f *testing.F, globs ...string) {
	for _, g := range globs {
		files, _ := filepath.Glob(filepath.Join("testdata", g))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// checkFuzzResult holds every parser to the same contract: an input error
// with a position, or a lock whose packages have names and can be hashed
// and diffed.
func checkFuzzResult(t *testing.T, l *Lock, err error) {
	if err != nil {
		var ie *inputerr.Error
		if !errors.As(err, &ie) {
			t.Fatalf("error is not an input error: %v", err)
		}
		if ie.Line < 1 {
			t.Fatalf("input error without a line: %v", err)
		}
		return
	}
	for _, p := range l.Packages {
		if p.Name == "" {
			t.Fatalf("package without a name: %+v", p)
		}
	}
	_ = Hash(l)
	_ = Diff(l, l)
}

func FuzzParsePipfileLock(f *testing.F) {
	addSeeds(f, "pipfile/*/Pipfile.lock", "hash/*/Pipfile.lock", "diff/*/Pipfile.lock")
	f.Add([]byte(`{"_meta": {}, "default": {"x": {"version": "==1", "hashes": ["sha256:00"], "index": "pypi"}}}`))
	f.Add([]byte(`{"_meta": {"sources": [{"name": "a", "url": "u"}]}, "develop": {"y": {"git": "g", "ref": "r", "editable": true}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse("Pipfile.lock", FormatPipfile, data)
		checkFuzzResult(t, l, err)
	})
}

func FuzzParseRequirements(f *testing.F) {
	addSeeds(f, "requirements/*/requirements.txt", "requirements/includes/requirements/*.txt", "hash/*/requirements.txt")
	f.Add([]byte("-e git+https://h/r.git@v1#egg=x&subdirectory=s\nname @ https://h/x-1.0.tar.gz#sha256=00 ; os_name == 'nt'\n"))
	f.Add([]byte("a[b,c]==1 ; python_version < '3' \\\n  --hash=sha256:00\n  # via\n  #   -r x.in\n  #   d\n-r other.txt\n"))
	includes := map[string]string{"other.txt": "-c c.txt\nb==2\n", "c.txt": "a==1\n-r other.txt\n"}
	read := func(p string) ([]byte, error) {
		if s, ok := includes[filepath.Base(p)]; ok && !strings.Contains(p, "..") {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parseRequirementsWith("requirements.txt", data, ".", read)
		if err == nil {
			l = finish(l, "requirements.txt", FormatRequirements)
		}
		checkFuzzResult(t, l, err)
	})
}

func FuzzParsePyproject(f *testing.F) {
	addSeeds(f, "manifest/*/pyproject.toml", "hash/same/pyproject.toml")
	f.Add([]byte("[dependency-groups]\na = [{include-group = \"b\"}, \"x>=1\"]\nb = [\"y ; os_name == 'nt'\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parsePyproject("pyproject.toml", data)
		checkManifestFuzz(t, m, err)
	})
}

func FuzzParsePipfileManifest(f *testing.F) {
	addSeeds(f, "pipfile/*/Pipfile")
	f.Add([]byte("[packages]\nx = {version = \"*\", extras = [\"a\"]}\n[requires]\npython_full_version = \"3.11.4\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parsePipfileManifest("Pipfile", data)
		checkManifestFuzz(t, m, err)
	})
}

func checkManifestFuzz(t *testing.T, m *Manifest, err error) {
	if err != nil {
		if !inputerr.Is(err) {
			t.Fatalf("error is not an input error: %v", err)
		}
		return
	}
	for _, r := range m.Requirements {
		if r.Group == "" {
			t.Fatalf("requirement without a group: %+v", r)
		}
	}
}
