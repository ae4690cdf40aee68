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
	cross, _ := filepath.Glob(filepath.Join("testdata", "crossformat", "*", "*"))
	seeds = append(seeds, cross...)
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
	})
}
