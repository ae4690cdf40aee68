package lock

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// TestScriptLock: a directory holding report.py and uv's report.py.lock
// is detected, parsed as uv.lock with the [manifest] requirements as the
// root, and the script's inline metadata is its manifest.
func TestScriptLock(t *testing.T) {
	dir := filepath.Join("testdata", "script", "nightly")
	path, err := Detect(dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "report.py.lock" {
		t.Fatalf("Detect = %s, want report.py.lock", path)
	}
	l, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if l.Format != FormatUV {
		t.Errorf("format %s", l.Format)
	}
	var direct []string
	for _, p := range l.Packages {
		if p.Direct {
			direct = append(direct, p.Name)
		}
		if p.Name != "report" && !slices.Equal(p.Groups, []string{"main"}) {
			t.Errorf("%s groups %v, want main (reachable from the script)", p.Name, p.Groups)
		}
	}
	if !slices.Equal(direct, []string{"httpx", "rich", "tzdata"}) {
		t.Errorf("direct = %v", direct)
	}
	tz, _ := l.Find("tzdata")
	if tz.Marker != "sys_platform == 'win32'" {
		t.Errorf("tzdata marker %q: the requirement's marker is lost", tz.Marker)
	}
	root, _ := l.Find("report")
	if root.Source.Kind != SourceVirtual {
		t.Errorf("the script's root is %s, want virtual (never installed)", root.Source.Kind)
	}
	script := filepath.Join(dir, "report.py")
	want := []Requirement{
		{Name: "httpx", Specifier: ">=0.27", Group: "main", File: script, Line: 5},
		{Name: "rich", Specifier: ">=13", Group: "main", File: script, Line: 6},
		{Name: "tzdata", Marker: "sys_platform == 'win32'", Group: "main", File: script, Line: 7},
	}
	if len(l.Declared) != len(want) {
		t.Fatalf("declared %+v", l.Declared)
	}
	for i, w := range want {
		if d := l.Declared[i]; d.Name != w.Name || d.Specifier != w.Specifier || d.Marker != w.Marker || d.File != w.File || d.Line != w.Line {
			t.Errorf("declared[%d] = %+v, want %+v", i, d, w)
		}
	}
}

func TestScriptMetadataErrors(t *testing.T) {
	tests := []struct {
		name, script string
		line         int
		msg          string
	}{
		{"two_blocks", "# /// script\n# dependencies = []\n# ///\nx = 1\n# /// script\n# dependencies = []\n# ///\n", 5, "a second"},
		{"bad_toml_at_script_line", "import os\n# /// script\n# requires-python = \">=3.12\"\n# dependencies = [\"httpx\",\n# ///\n", 4, "incomplete"},
		{"bad_requirement_at_script_line", "# /// script\n# dependencies = [\n#   \"httpx>=\",\n# ]\n# ///\n", 3, "httpx>="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseScriptMetadata("job.py", []byte(tc.script))
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an input error", err)
			}
			if ie.Line != tc.line || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v at line %d, want line %d mentioning %q", err, ie.Line, tc.line, tc.msg)
			}
		})
	}
}

func TestScriptWithoutBlockDeclaresNothing(t *testing.T) {
	m, err := parseScriptMetadata("job.py", []byte("# a comment\nprint('hi')\n"))
	if err != nil || len(m.Requirements) != 0 {
		t.Errorf("m = %+v, err = %v", m, err)
	}
}
