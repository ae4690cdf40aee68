package lock

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// reqSummary is "group:name specifier @line" for each requirement, in order.
func reqSummary(reqs []Requirement) []string {
	var out []string
	for _, r := range reqs {
		s := fmt.Sprintf("%s:%s", r.Group, r.Name)
		if r.Specifier != "" {
			s += " " + r.Specifier
		}
		if r.URL != "" {
			s += " @ " + r.URL
		}
		out = append(out, fmt.Sprintf("%s #%d", s, r.Line))
	}
	return out
}

func TestLoadManifest(t *testing.T) {
	tests := []struct {
		dir, name, python string
		pythonLine        int
		want              []string
	}{
		{dir: "manifest/pyproject", name: "acme-api", python: ">=3.11", pythonLine: 8, want: []string{
			"main:fastapi >=0.115 #10",
			"main:httpx @ git+https://github.com/encode/httpx@0.28.1 #11",
			"main:uvicorn >=0.30,<1 #12",
			"postgres:psycopg >=3.2 #16",
			"test:pytest >=8.3 #19",
			"test:pytest-cov #19",
			"dev:pytest >=8.3 #19",
			"dev:pytest-cov #19",
			"dev:ruff >=0.8 #22",
			"dev:mypy >=1.13 #26",
			"lint:black #29",
		}},
		{dir: "manifest/poetry", name: "acme-worker", python: ">=3.11,<4.0", pythonLine: 7, want: []string{
			"main:celery >=5.4,<6.0 #8",
			"main:django >=5.1,<5.2 #9",
			"main:acme-lib @ https://github.com/acme/acme-lib.git #10",
			"main:numpy <2 #11",
			"dev:black #20",
			"dev:pytest >=8.3,<9.0 #17",
		}},
		{dir: "pipfile/django", python: "==3.11.*", pythonLine: 24, want: []string{
			"main:django ~=5.1 #12",
			"main:requests >=2.31 #13",
			"main:psycopg #14",
			"main:acme-auth ==2.4.0 #15",
			"main:mylib @ https://github.com/acme/mylib.git #16",
			"main:myproject @ . #17",
			"main:legacy-tool @ https://downloads.example.com/legacy_tool-1.0.tar.gz #18",
			"dev:pytest #21",
		}},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.dir, "/", "_"), func(t *testing.T) {
			m, err := LoadManifest(filepath.Join("testdata", tt.dir))
			if err != nil {
				t.Fatal(err)
			}
			if m.Name != tt.name || m.RequiresPython != tt.python || m.RequiresPythonLine != tt.pythonLine {
				t.Errorf("name %q python %q at line %d", m.Name, m.RequiresPython, m.RequiresPythonLine)
			}
			got := reqSummary(m.Requirements)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("requirements:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestLoadManifestErrors(t *testing.T) {
	tests := []struct {
		dir, want string
		line, col int
	}{
		{dir: "badtype", line: 5, col: 5, want: "project.dependencies[1]: expected a PEP 508 requirement string, found an integer"},
		{dir: "badtoml", line: 3, col: 27, want: "invalid TOML"},
		{dir: "cycle", line: 2, want: "include-group cycle"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			_, err := LoadManifest(filepath.Join("testdata", "manifest", tt.dir))
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an input error", err)
			}
			if !strings.HasSuffix(ie.Path, "pyproject.toml") || ie.Line != tt.line || (tt.col != 0 && ie.Col != tt.col) || !strings.Contains(ie.Msg, tt.want) {
				t.Errorf("err = %v (line %d col %d)", err, ie.Line, ie.Col)
			}
		})
	}
	if _, err := LoadManifest(filepath.Join("testdata", "manifest", "none")); !errors.Is(err, ErrNoManifest) {
		t.Errorf("empty dir: err = %v, want ErrNoManifest", err)
	}
}

// TestParseFileAttachesManifest: a requirements.txt records no groups; the
// pyproject.toml beside it makes requests direct and, through the "# via"
// edges, puts its dependencies in group main.
func TestParseFileAttachesManifest(t *testing.T) {
	l := mustParse(t, filepath.Join("testdata", "hash", "same", "requirements.txt"))
	if len(l.Declared) != 2 || l.Declared[1].Name != "requests" || l.Declared[1].Line != 7 {
		t.Fatalf("declared = %+v", l.Declared)
	}
	for _, p := range l.Packages {
		// demo is direct through its "# via -r pyproject.toml" annotation.
		wantDirect := p.Name == "requests" || p.Name == "acme-lib" || p.Name == "demo"
		if p.Direct != wantDirect {
			t.Errorf("%s: direct = %v", p.Name, p.Direct)
		}
		if p.Name != "demo" && strings.Join(p.Groups, ",") != "main" {
			t.Errorf("%s: groups = %v", p.Name, p.Groups)
		}
	}
}

// TestRequirementsInIsTheManifest: pip-compile's requirements.in next to
// requirements.txt is what the project declares.
func TestRequirementsInIsTheManifest(t *testing.T) {
	l := mustParse(t, filepath.Join("testdata", "requirements", "pip-compile", "requirements.txt"))
	got := reqSummary(l.Declared)
	want := []string{"main:django ~=5.1 #1", "main:gunicorn #2", "main:requests >=2.31 #3", "main:django-anymail #4"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("declared = %v, want %v", got, want)
	}
	for _, r := range l.Declared {
		if !strings.HasSuffix(r.File, "requirements.in") {
			t.Errorf("%s declared in %s", r.Name, r.File)
		}
	}
}
