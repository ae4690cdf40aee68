package lock

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestParseUVGolden(t *testing.T) {
	runTOMLGolden(t, "uv", "[[package]]")
}

// TestHashSameAcrossFormats: one resolution written by uv as uv.lock and
// exported as pylock.toml (same artifacts and hashes) must hash alike.
func TestHashSameAcrossFormats(t *testing.T) {
	dir := filepath.Join("testdata", "crossformat", "service")
	uv, err := ParseFile(filepath.Join(dir, "uv.lock"))
	if err != nil {
		t.Fatal(err)
	}
	py, err := ParseFile(filepath.Join(dir, "pylock.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(uv.Packages) != len(py.Packages) {
		t.Fatalf("uv.lock has %d packages, pylock.toml %d", len(uv.Packages), len(py.Packages))
	}
	if a, b := Hash(uv), Hash(py); a != b {
		t.Errorf("Hash(uv.lock) = %s, Hash(pylock.toml) = %s", a, b)
	}
	// A changed artifact hash in one of them must change its hash.
	py.Packages[1].Artifacts[0].Hashes["sha256"] = strings.Repeat("0", 64)
	if Hash(uv) == Hash(py) {
		t.Error("Hash ignores an artifact's sha256")
	}
}

// TestParseUVGraph checks what is derived from the workspace roots rather
// than read: groups, direct, extras, markers and ambiguous-edge resolution.
func TestParseUVGraph(t *testing.T) {
	l, err := ParseFile(filepath.Join("testdata", "uv", "workspace", "uv.lock"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, version string
		groups        string
		direct        bool
		marker        string
		extras        string
	}{
		{"acme-core", "0.3.0", "main", true, "", ""},         // member, depended on by the root
		{"pydantic", "2.11.4", "main", true, "", ""},         // declared by a member
		{"starlette", "0.46.2", "main", false, "", ""},       // transitive
		{"h2", "4.2.0", "main", false, "", ""},               // via httpx[http2]
		{"httpx", "0.28.1", "main", true, "", "http2"},       // git source with an extra
		{"psycopg", "3.2.9", "postgres", true, "", "binary"}, // optional extra of the root
		{"psycopg-binary", "3.2.9", "postgres", false, "implementation_name != 'pypy'", ""},
		{"pytest", "8.3.5", "dev", true, "", ""},                            // dev group
		{"ruff", "0.11.8", "lint", true, "", ""},                            // second dev group
		{"colorama", "0.4.6", "dev", false, "sys_platform == 'win32'", ""},  // marker from its only edge
		{"typing-extensions", "4.13.2", "dev,main,postgres", false, "", ""}, // reached from three groups
		{"numpy", "2.0.2", "main", true, "python_full_version < '3.10'", ""},
		{"numpy", "2.2.6", "main", true, "python_full_version >= '3.10'", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name+"_"+tc.version, func(t *testing.T) {
			var p *Package
			for i := range l.Packages {
				if l.Packages[i].Name == tc.name && l.Packages[i].Version == tc.version {
					p = &l.Packages[i]
				}
			}
			if p == nil {
				t.Fatalf("%s %s not parsed", tc.name, tc.version)
			}
			if got := strings.Join(p.Groups, ","); got != tc.groups {
				t.Errorf("groups = %q, want %q", got, tc.groups)
			}
			if p.Direct != tc.direct {
				t.Errorf("direct = %v, want %v", p.Direct, tc.direct)
			}
			if p.Marker != tc.marker {
				t.Errorf("marker = %q, want %q", p.Marker, tc.marker)
			}
			if got := strings.Join(p.Extras, ","); got != tc.extras {
				t.Errorf("extras = %q, want %q", got, tc.extras)
			}
		})
	}
	root, _ := l.Find("acme-api")
	var numpyEdges []string
	for _, d := range root.Dependencies {
		if d.Name == "numpy" {
			numpyEdges = append(numpyEdges, d.Version)
		}
	}
	if strings.Join(numpyEdges, ",") != "2.0.2,2.2.6" {
		t.Errorf("root's numpy edges resolve to %v, want both locked versions", numpyEdges)
	}
	if len(l.Declared) != 10 {
		t.Errorf("%d declared requirements, want 10 (8 requires-dist + 2 requires-dev)", len(l.Declared))
	}
}

// TestParseUVSelfExtra: a dev group that asks for the project's own extra
// (dev = ["app[pg]"]) puts the extra's packages in the group, and does not
// make the project a direct dependency of itself.
func TestParseUVSelfExtra(t *testing.T) {
	src := `version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }

[package.optional-dependencies]
pg = [{ name = "psycopg" }]

[package.dev-dependencies]
dev = [{ name = "app", extra = ["pg"] }]

[[package]]
name = "psycopg"
version = "3.2.9"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/x/psycopg-3.2.9.tar.gz", hash = "sha256:` + strings.Repeat("1", 64) + `" }
`
	l, err := Parse("uv.lock", FormatUV, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	app, _ := l.Find("app")
	pg, _ := l.Find("psycopg")
	if app.Direct || strings.Join(app.Groups, ",") != "dev,main" || strings.Join(app.Extras, ",") != "pg" {
		t.Errorf("app = direct %v groups %v extras %v, want not direct, dev+main, [pg]", app.Direct, app.Groups, app.Extras)
	}
	if !pg.Direct || strings.Join(pg.Groups, ",") != "dev,pg" {
		t.Errorf("psycopg = direct %v groups %v, want direct in dev and pg", pg.Direct, pg.Groups)
	}
}
