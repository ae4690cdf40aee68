package lock

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func TestParsePipfileLockGolden(t *testing.T) {
	path := filepath.Join("testdata", "pipfile", "django", "Pipfile.lock")
	l, err := ParseFileAs(path, FormatPipfile)
	if err != nil {
		t.Fatal(err)
	}
	l.Declared = nil // manifest reading has its own tests
	checkGoldenJSON(t, filepath.Join("testdata", "pipfile", "django.golden.json"), l)
}

func TestParsePipfileLockFields(t *testing.T) {
	path := filepath.Join("testdata", "pipfile", "django", "Pipfile.lock")
	l, err := ParseFileAs(path, FormatPipfile)
	if err != nil {
		t.Fatal(err)
	}
	if l.RequiresPython != "==3.11.*" || l.LockVersion != "6" || !strings.HasPrefix(l.ContentHash, "sha256:2300") {
		t.Errorf("meta: requiresPython %q lockVersion %q contentHash %q", l.RequiresPython, l.LockVersion, l.ContentHash)
	}
	if len(l.Indexes) != 2 || l.Indexes[1].URL != "https://pypi.internal.example/simple" {
		t.Errorf("indexes = %+v", l.Indexes)
	}
	tests := []struct {
		name, version, url, commit, path string
		kind                             SourceKind
		groups                           string
		line, artifacts                  int
	}{
		{name: "acme-auth", version: "2.4.0", kind: SourceRegistry, url: "https://pypi.internal.example/simple", groups: "main", line: 24, artifacts: 1},
		{name: "packaging", version: "24.2", kind: SourceRegistry, url: "https://pypi.org/simple", groups: "main,dev", artifacts: 2},
		{name: "mylib", kind: SourceGit, url: "https://github.com/acme/mylib.git", commit: "8f3c2a1b9d4e5f60718293a4b5c6d7e8f9012345", groups: "main"},
		{name: "myproject", kind: SourceEditable, path: ".", groups: "main"},
		{name: "legacy-tool", version: "1.0", kind: SourceURL, url: "https://downloads.example.com/legacy_tool-1.0.tar.gz", groups: "main", artifacts: 1},
		{name: "pytest", version: "8.3.3", kind: SourceRegistry, url: "https://pypi.org/simple", groups: "dev", artifacts: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := l.Find(tt.name)
			if !ok {
				t.Fatalf("package %s missing", tt.name)
			}
			if p.Version != tt.version || p.Source.Kind != tt.kind || p.Source.URL != tt.url || p.Source.Commit != tt.commit || p.Source.Path != tt.path {
				t.Errorf("got version %q source %+v", p.Version, p.Source)
			}
			if g := strings.Join(p.Groups, ","); g != tt.groups {
				t.Errorf("groups = %q, want %q", g, tt.groups)
			}
			if tt.line != 0 && p.Line != tt.line {
				t.Errorf("line = %d, want %d", p.Line, tt.line)
			}
			if len(p.Artifacts) != tt.artifacts {
				t.Errorf("artifacts = %d, want %d", len(p.Artifacts), tt.artifacts)
			}
		})
	}
	legacy, _ := l.Find("legacy-tool")
	if a := legacy.Artifacts[0]; a.Name != "legacy_tool-1.0.tar.gz" || a.Kind != ArtifactSdist || a.Hashes["sha256"] == "" {
		t.Errorf("legacy-tool artifact = %+v", a)
	}
	psycopg, _ := l.Find("psycopg")
	if strings.Join(psycopg.Extras, ",") != "binary" || psycopg.Marker != "python_version >= '3.8'" || !psycopg.Hashed() {
		t.Errorf("psycopg = %+v", psycopg)
	}
}

func TestParsePipfileLockLinesMatchFile(t *testing.T) {
	path := filepath.Join("testdata", "pipfile", "django", "Pipfile.lock")
	l, err := ParseFileAs(path, FormatPipfile)
	if err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, path)
	for _, p := range l.Packages {
		if p.Line < 1 || p.Line > len(lines) {
			t.Fatalf("%s: line %d out of range", p.Name, p.Line)
		}
		if !strings.Contains(strings.ToLower(lines[p.Line-1]), `"`+p.Name+`": {`) {
			t.Errorf("%s: line %d is %q", p.Name, p.Line, lines[p.Line-1])
		}
	}
}

func TestParsePipfileLockErrors(t *testing.T) {
	tests := []struct {
		name, input, want string
		line, col         int
	}{
		{name: "syntax", input: "{\n  \"_meta\": {,\n}", line: 2, col: 13, want: "invalid JSON"},
		{name: "truncated", input: "{\n  \"_meta\": {}", line: 2, want: "unexpected end of JSON input"},
		{name: "not_object", input: "[1, 2]", line: 1, col: 1, want: "expected a JSON object"},
		{name: "no_meta", input: `{"default": {}}`, line: 1, col: 1, want: `missing "_meta"`},
		{name: "version_type", input: "{\"_meta\": {},\n \"default\": {\n  \"six\": {\"version\": 1}}}", line: 3, want: "version: expected a string"},
		{name: "category_type", input: "{\"_meta\": {},\n \"default\": []}", line: 2, col: 13, want: `"default" to be an object`},
		{name: "bad_hash", input: "{\"_meta\": {},\n \"default\": {\n  \"six\": {\"hashes\": [\"sha256-abc\"]}}}", line: 3, col: 22, want: "expected algorithm:hexdigest"},
		{name: "bad_version", input: "{\"_meta\": {},\n \"default\": {\n  \"six\": {\"version\": \"==1.x\"}}}", line: 3, col: 11, want: `package "six": version "==1.x"`},
		{name: "bad_marker", input: "{\"_meta\": {},\n \"default\": {\n  \"six\": {\"version\": \"==1\", \"markers\": \"python_version >> '3'\"}}}", line: 3, col: 29, want: `package "six": markers`},
		{name: "short_digest", input: "{\"_meta\": {},\n \"default\": {\n  \"six\": {\"hashes\": [\"sha256:abcd\"]}}}", line: 3, col: 22, want: "expected algorithm:hexdigest"},
		{name: "unknown_index", input: "{\"_meta\": {\"sources\": [{\"name\": \"pypi\", \"url\": \"https://pypi.org/simple\"}]},\n \"default\": {\n  \"six\": {\"index\": \"corp\", \"version\": \"==1.16.0\"}}}", line: 3, col: 11, want: `index "corp" is not among _meta.sources (pypi)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("Pipfile.lock", FormatPipfile, []byte(tt.input))
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an input error", err)
			}
			if ie.Path != "Pipfile.lock" || ie.Line != tt.line || (tt.col != 0 && ie.Col != tt.col) || !strings.Contains(ie.Error(), tt.want) {
				t.Errorf("err = %q (line %d col %d), want line %d col %d containing %q", ie.Error(), ie.Line, ie.Col, tt.line, tt.col, tt.want)
			}
		})
	}
}
