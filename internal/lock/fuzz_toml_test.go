package lock

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Fuzz targets for the TOML lockfile parsers. Invariant: no panic; every
// error is an *inputerr.Error naming the file and a line (≥ 1); every
// parsed package has a name and a line.
func FuzzParseUV(f *testing.F)     { fuzzTOMLFormat(f, FormatUV, "uv.lock", "uv") }
func FuzzParsePoetry(f *testing.F) { fuzzTOMLFormat(f, FormatPoetry, "poetry.lock", "poetry") }
func FuzzParsePDM(f *testing.F)    { fuzzTOMLFormat(f, FormatPDM, "pdm.lock", "pdm") }
func FuzzParsePylock(f *testing.F) { fuzzTOMLFormat(f, FormatPylock, "pylock.toml", "pylock") }

func fuzzTOMLFormat(f *testing.F, format Format, file, dir string) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", dir, "*", "*"))
	for _, more := range []string{"crossformat", "select", "script"} {
		extra, _ := filepath.Glob(filepath.Join("testdata", more, "*", "*"))
		seeds = append(seeds, extra...)
	}
	for _, s := range seeds {
		if got, ok := FormatOf(s); !ok || got != format {
			continue
		}
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(""))
	f.Add([]byte("package = [{ name = \"a\", version = \"1\", source = { registry = \"r\" } }]\nversion = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(file, format, data)
		if err != nil {
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T) is not an *inputerr.Error", err, err)
			}
			if ie.Path != file || ie.Line < 1 {
				t.Fatalf("error %q has path %q line %d, want %q and a line", err, ie.Path, ie.Line, file)
			}
			return
		}
		for _, p := range l.Packages {
			if p.Name == "" || p.Line < 1 {
				t.Fatalf("package %+v has no name or line", p)
			}
		}
		s, err := Select(l, Want{}) // the production set: never an error
		if err != nil || len(s.Packages)+len(s.Excluded) != len(l.Packages) {
			t.Fatalf("Select: %v; %d selected + %d excluded of %d", err, len(s.Packages), len(s.Excluded), len(l.Packages))
		}
	})
}

// FuzzParseScriptMetadata: PEP 723 blocks never panic; errors are input
// errors at a line of the script.
func FuzzParseScriptMetadata(f *testing.F) {
	f.Add([]byte("# /// script\n# requires-python = \">=3.12\"\n# dependencies = [\"httpx>=0.27\", \"tzdata; sys_platform == 'win32'\"]\n# ///\nprint(1)\n"))
	f.Add([]byte("# /// script\n# dependencies = [\n#\n# ]\n# ///\n# /// script\n# ///\n"))
	f.Add([]byte("#!/usr/bin/env python3\n# /// pyproject\n# x = 1\n# ///\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseScriptMetadata("job.py", data)
		if err != nil {
			var ie *inputerr.Error
			if !errors.As(err, &ie) || ie.Path != "job.py" || ie.Line < 1 {
				t.Fatalf("error %v is not an input error at a line of job.py", err)
			}
		}
	})
}
