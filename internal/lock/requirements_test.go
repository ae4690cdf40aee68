package lock

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func TestParseRequirementsGolden(t *testing.T) {
	for _, name := range []string{"pip-compile", "uv"} {
		t.Run(name, func(t *testing.T) {
			l, err := ParseFileAs(filepath.Join("testdata", "requirements", name, "requirements.txt"), FormatRequirements)
			if err != nil {
				t.Fatal(err)
			}
			checkGoldenJSON(t, filepath.Join("testdata", "requirements", name+".golden.json"), l)
		})
	}
}

func TestParseRequirementsPipCompile(t *testing.T) {
	path := filepath.Join("testdata", "requirements", "pip-compile", "requirements.txt")
	l, err := ParseFileAs(path, FormatRequirements)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Packages) != 11 {
		t.Fatalf("got %d packages, want 11", len(l.Packages))
	}
	lines := readLines(t, path)
	for _, p := range l.Packages {
		if !strings.HasPrefix(lines[p.Line-1], p.Name+"=="+p.Version+" ") {
			t.Errorf("%s: line %d is %q", p.Name, p.Line, lines[p.Line-1])
		}
		if !p.Hashed() || len(p.Artifacts) != 2 {
			t.Errorf("%s: %d artifacts, hashed=%v", p.Name, len(p.Artifacts), p.Hashed())
		}
		if p.Source.URL != defaultIndexURL {
			t.Errorf("%s: index %q", p.Name, p.Source.URL)
		}
	}
	direct := map[string]bool{"django": true, "gunicorn": true, "requests": true, "django-anymail": true}
	for _, p := range l.Packages {
		if p.Direct != direct[p.Name] {
			t.Errorf("%s: direct = %v", p.Name, p.Direct)
		}
	}
	requests, _ := l.Find("requests")
	if got := depNames(requests.Dependencies); got != "certifi,charset-normalizer,idna,urllib3" {
		t.Errorf("requests dependencies from # via = %s", got)
	}
	anymail, _ := l.Find("django-anymail")
	if got := depNames(anymail.Dependencies); got != "requests" {
		t.Errorf("django-anymail dependencies from a multi-line # via = %s", got)
	}
}

func TestParseRequirementsUVUniversal(t *testing.T) {
	l, err := ParseFileAs(filepath.Join("testdata", "requirements", "uv", "requirements.txt"), FormatRequirements)
	if err != nil {
		t.Fatal(err)
	}
	colorama, _ := l.Find("colorama")
	if colorama.Marker != "sys_platform == 'win32'" || colorama.Version != "0.4.6" || len(colorama.Artifacts) != 2 {
		t.Errorf("colorama = %+v", colorama)
	}
	anyio, _ := l.Find("anyio")
	if anyio.Version != "4.6.2.post1" || depNames(anyio.Dependencies) != "exceptiongroup,idna,sniffio,typing-extensions" {
		t.Errorf("anyio = %s deps %s", anyio.Version, depNames(anyio.Dependencies))
	}
}

func TestParseRequirementsIncludes(t *testing.T) {
	path := filepath.Join("testdata", "requirements", "includes", "requirements", "dev.txt")
	l, err := ParseFileAs(path, FormatRequirements)
	if err != nil {
		t.Fatal(err)
	}
	checkGoldenJSON(t, filepath.Join("testdata", "requirements", "includes.golden.json"), l)
	base := filepath.Join("testdata", "requirements", "includes", "requirements", "base.txt")
	constraints := filepath.Join("testdata", "requirements", "includes", "requirements", "constraints.txt")
	if strings.Join(l.Files, " ") != path+" "+base+" "+constraints {
		t.Errorf("files = %v", l.Files)
	}
	if got := strings.Join(l.Options, "|"); got != "--trusted-host pypi.internal.example|--only-binary :all:|--pre|--no-binary lxml" {
		t.Errorf("options = %s", got)
	}
	if len(l.Indexes) != 2 || l.Indexes[0].URL != "https://${PIP_USER}:${PIP_TOKEN}@pypi.internal.example/simple" || l.Indexes[0].VerifySSL == nil || *l.Indexes[0].VerifySSL {
		t.Errorf("indexes = %+v", l.Indexes)
	}
	if _, ok := l.Find("itsdangerous"); ok {
		t.Error("a constraint-only package was added")
	}
	tests := []struct {
		name, version, specifier, file string
		src                            Source
		line                           int
	}{
		{name: "werkzeug", version: "3.1.3", file: base, line: 8, src: Source{Kind: SourceRegistry, URL: "https://${PIP_USER}:${PIP_TOKEN}@pypi.internal.example/simple"}},
		{name: "acme-auth", version: "2.4.0", file: base, line: 9, src: Source{Kind: SourceRegistry, URL: "https://${PIP_USER}:${PIP_TOKEN}@pypi.internal.example/simple"}},
		{name: "acme-tools", line: 3, src: Source{Kind: SourceEditable, Path: "../src/acme-tools"}},
		{name: "lint-rules", line: 4, src: Source{Kind: SourceGit, VCS: "git", URL: "https://github.com/acme/lint-rules.git", Commit: "4b825dc642cb6eb9a060e54bf8d69288fbee4904"}},
		{name: "mypy", version: "1.13.0", line: 6, src: Source{Kind: SourceURL, URL: "https://files.example.com/mypy-1.13.0-py3-none-any.whl#sha256=9d4e5f60718293a4b5c6d7e8f90123458f3c2a1b9d4e5f60718293a4b5c6d7e8"}},
		{name: "vendored-lib", version: "0.3.1", line: 7, src: Source{Kind: SourcePath, Path: "/opt/wheels/vendored_lib-0.3.1-py3-none-any.whl"}},
		{name: "acme-schemas", line: 8, src: Source{Kind: SourceGit, VCS: "git", URL: "ssh://git@github.com/acme/schemas.git", Ref: "v2.0", Subdirectory: "python"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := l.Find(tt.name)
			if !ok {
				t.Fatalf("%s missing", tt.name)
			}
			if p.Version != tt.version || p.Specifier != tt.specifier || p.Source != tt.src || p.Line != tt.line || p.File != tt.file {
				t.Errorf("got version %q specifier %q source %+v at %s:%d", p.Version, p.Specifier, p.Source, p.File, p.Line)
			}
		})
	}
	mypy, _ := l.Find("mypy")
	if a := mypy.Artifacts; len(a) != 1 || a[0].Kind != ArtifactWheel || a[0].Name != "mypy-1.13.0-py3-none-any.whl" || a[0].Hashes["sha256"] == "" {
		t.Errorf("mypy artifacts = %+v", a)
	}
}

func TestParseRequirementsUnpinnedKept(t *testing.T) {
	l, err := ParseFileAs(filepath.Join("testdata", "requirements", "unpinned", "requirements.txt"), FormatRequirements)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{"flask": {"", ">=2.3,<4"}, "requests": {"", ""}, "gunicorn": {"23.0.0", ""}, "celery": {"", "~=5.4"}}
	for name, w := range want {
		p, ok := l.Find(name)
		if !ok || p.Version != w[0] || p.Specifier != w[1] || p.Hashed() {
			t.Errorf("%s = %+v (found %v), want version %q specifier %q, unhashed", name, p, ok, w[0], w[1])
		}
	}
}

func TestParseRequirementsCycle(t *testing.T) {
	_, err := ParseFileAs(filepath.Join("testdata", "requirements", "cycle", "a.txt"), FormatRequirements)
	var ie *inputerr.Error
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an input error", err)
	}
	want := "include cycle: testdata/requirements/cycle/a.txt -> testdata/requirements/cycle/b.txt -> testdata/requirements/cycle/a.txt"
	if ie.Path != filepath.Join("testdata", "requirements", "cycle", "b.txt") || ie.Line != 1 || ie.Col != 1 || !strings.Contains(ie.Msg, want) {
		t.Errorf("err = %v", err)
	}
}

func TestParseRequirementsErrors(t *testing.T) {
	tests := []struct {
		name, input, want string
		line, col         int
	}{
		{name: "bad_specifier", input: "six==1.16.0\nrequests=>2\n", line: 2, col: 9, want: `invalid version specifier "=>2": expected an operator`},
		{name: "bad_marker", input: "six==1.16.0 ; python_version >> \"3\"\n", line: 1, col: 31, want: "invalid environment marker"},
		{name: "unknown_option", input: "--frobnicate\n", line: 1, col: 1, want: `unknown option "--frobnicate"`},
		{name: "bad_hash_in_continuation", input: "six==1.16.0 \\\n    --hash=sha256:zz\n", line: 2, col: 5, want: "expected algorithm:hexdigest"},
		{name: "hash_alone", input: "--hash=sha256:abcd\n", line: 1, col: 1, want: "must follow a requirement"},
		{name: "option_after_requirement", input: "six==1.16.0 --index-url https://x\n", line: 1, col: 13, want: "cannot follow a requirement"},
		{name: "missing_include", input: "\n-r nope.txt\n", line: 2, col: 1, want: `cannot read --requirement "nope.txt"`},
		{name: "remote_include", input: "-r https://example.com/r.txt\n", line: 1, col: 1, want: "remote requirement files are not read"},
		{name: "unnamed_url", input: "https://example.com/download\n", line: 1, col: 1, want: "cannot tell the project name"},
		{name: "editable_name", input: "-e requests\n", line: 1, col: 1, want: "--editable needs a local path or a VCS URL"},
		{name: "option_needs_value", input: "--index-url\n", line: 1, col: 1, want: "--index-url needs a value"},
		{name: "double_requirement", input: "six==1.16.0\nsix==1.15.0\n", line: 2, want: "double requirement six: requirements.txt:1 already asks for ==1.16.0"},
		{name: "empty_marker", input: "six==1.16.0 ;\n", line: 1, col: 13, want: "expected an environment marker"},
		{name: "bad_name", input: "[extra]\n", line: 1, col: 1, want: "expected a project name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("requirements.txt", FormatRequirements, []byte(tt.input))
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an input error", err)
			}
			if ie.Line != tt.line || (tt.col != 0 && ie.Col != tt.col) || !strings.Contains(ie.Error(), tt.want) {
				t.Errorf("err = %q (line %d col %d), want line %d col %d containing %q", ie.Error(), ie.Line, ie.Col, tt.line, tt.col, tt.want)
			}
		})
	}
}

func TestParseRequirementsContinuationAndComments(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "requirements.txt")
	input := "# header\n\nsix==1.16.0 \\\n    --hash=sha256:1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926 \\\n    --hash=sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254\n    # via -r requirements.in\nattrs == 24.2.0 ; python_version >= \"3.8\"  # trailing comment\n"
	if err := os.WriteFile(path, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	six, _ := l.Find("six")
	attrs, _ := l.Find("attrs")
	if six.Line != 3 || len(six.Artifacts) != 2 || !six.Direct {
		t.Errorf("six = %+v", six)
	}
	if attrs.Line != 7 || attrs.Version != "24.2.0" || attrs.Marker != `python_version >= "3.8"` {
		t.Errorf("attrs = %+v", attrs)
	}
}

func TestParseRequirementsCRLF(t *testing.T) {
	input := "six==1.16.0 \\\r\n    --hash=sha256:1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926\r\n    # via -r requirements.in\r\nattrs==24.2.0\r\n"
	l, err := Parse("requirements.txt", FormatRequirements, []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	six, _ := l.Find("six")
	attrs, _ := l.Find("attrs")
	if len(l.Packages) != 2 || len(six.Artifacts) != 1 || !six.Direct || attrs.Line != 4 || attrs.Version != "24.2.0" {
		t.Errorf("packages = %+v", l.Packages)
	}
}

func depNames(deps []Dependency) string {
	var names []string
	for _, d := range deps {
		names = append(names, d.Name)
	}
	sortStrings(names)
	return strings.Join(names, ",")
}

func TestStripCommentMatchesPip(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "whole_line", in: "# comment", want: ""},
		{name: "after_space", in: "six==1.16.0  # pinned", want: "six==1.16.0"},
		{name: "after_tab", in: "six==1.16.0\t#x", want: "six==1.16.0"},
		{name: "url_fragment_kept", in: "git+https://h/r.git#egg=x", want: "git+https://h/r.git#egg=x"},
		{name: "fragment_then_comment", in: "https://h/x.whl#sha256=ab # c", want: "https://h/x.whl#sha256=ab"},
		{name: "none", in: "six==1.16.0", want: "six==1.16.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stripComment(tt.in); got != tt.want {
				t.Errorf("stripComment(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestParseRequirementsForkedVersions: uv pip compile --universal pins one
// name at two versions under exclusive markers; both are kept.
func TestParseRequirementsForkedVersions(t *testing.T) {
	input := "numpy==2.0.2 ; python_full_version < '3.10'\nnumpy==2.2.6 ; python_full_version >= '3.10'\n"
	l, err := Parse("requirements.txt", FormatRequirements, []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Packages) != 2 || l.Packages[0].Version != "2.0.2" || l.Packages[1].Version != "2.2.6" {
		t.Errorf("packages = %+v", l.Packages)
	}
}

// TestParseRequirementsLocalProjectNames: "-e ." is named by pyproject.toml,
// then setup.cfg, then (setup.py only) the directory; a path with none of
// them is an error at the line.
func TestParseRequirementsLocalProjectNames(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // package name, or "" for an error
	}{
		{"pyproject", map[string]string{"pyproject.toml": "[project]\nname = \"Acme_API\"\n"}, "acme-api"},
		{"poetry", map[string]string{"pyproject.toml": "[tool.poetry]\nname = \"acme-worker\"\n"}, "acme-worker"},
		{"setup_cfg", map[string]string{"setup.cfg": "[metadata]\nname = acme.cfg\n"}, "acme-cfg"},
		{"setup_py_only", map[string]string{"setup.py": "from setuptools import setup\nsetup()\n"}, "svc-dir"},
		{"nothing", map[string]string{"README": "x\n"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "Svc_Dir")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, body := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			req := filepath.Join(dir, "requirements-dev.txt")
			if err := os.WriteFile(req, []byte("-e .\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			l, err := ParseFileAs(req, FormatRequirements)
			if tt.want == "" {
				wantInputErr(t, err, 1, 1, "cannot tell the project name")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Packages) != 1 || l.Packages[0].Name != tt.want || l.Packages[0].Source.Kind != SourceEditable {
				t.Errorf("packages = %+v, want one editable %s", l.Packages, tt.want)
			}
		})
	}
}
