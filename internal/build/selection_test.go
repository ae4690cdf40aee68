package build

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/check"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/wheel"
)

// TestBuildSBOMAndCheckSelectTheSameSet: for the same lock and
// pinwheel.yaml, the wheels a build chooses, the components of its SBOM
// and the packages check judges (PW104, with hashes stripped so every
// judged package is reported) are the same packages.
func TestBuildSBOMAndCheckSelectTheSameSet(t *testing.T) {
	tests := []struct {
		name, fixture, yaml string
		service             string // the service's directory in the fixture
		want                []string
	}{
		{"uv", "uv", "", "", []string{"fastapi", "starlette"}},
		{"uv_groups", "uv", "groups: [serve]\nextras: [postgres]\n", "", []string{"fastapi", "gunicorn", "packaging", "psycopg", "starlette"}},
		{"poetry", "poetry", "", "", []string{"asgiref", "django", "sqlparse"}},
		{"poetry_extra", "poetry", "extras: [postgres]\n", "", []string{"asgiref", "django", "psycopg2-binary", "sqlparse"}},
		{"pdm", "pdm", "", "", []string{"flask", "werkzeug"}},
		{"pipfile", "pipfile", "", "", []string{"certifi", "requests"}},
		{"pipfile_dev", "pipfile", "groups: [dev]\n", "", []string{"certifi", "requests", "responses"}},
		{"requirements", "requirements", "", "", []string{"gunicorn", "packaging"}},
		// The members' own trees (orders, common) are source builds, left
		// out of the comparison: check does not judge their hashes, and
		// chooseWheels cannot pick wheels for them until source builds
		// land, so the build side is not compared here.
		// check reads the lock inside the directory it checks, so the
		// workspace is checked from its root (every member); per-member
		// selection is lock.TestSelectWorkspaceMember's.
		{"workspace", "workspace", "", "", []string{"fastapi", "pydantic", "starlette", "stripe"}},
	}
	target := pep.Target{PythonVersion: "3.12", OS: "linux", Arch: "x86_64"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := unhashedFixture(t, tc.fixture)
			yamlPath := filepath.Join(dir, config.FileName)
			if err := os.WriteFile(yamlPath, []byte("service: shop\n"+tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse(yamlPath, []byte("service: shop\n"+tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			cfg.Dir = filepath.Join(dir, tc.service)
			path, err := lock.Detect(dir)
			if err != nil {
				t.Fatal(err)
			}
			l, err := lock.ParseFile(path, lock.WithRoot(dir))
			if err != nil {
				t.Fatal(err)
			}

			var built []string
			if tc.fixture != "workspace" {
				sel, err := lock.Select(l, cfg.Want())
				if err != nil {
					t.Fatal(err)
				}
				chosen, problems := chooseWheels(context.Background(), sel, target, true, anyWheelOf(l), wheelSources{})
				if len(problems) > 0 {
					t.Fatalf("problems: %+v", problems)
				}
				for _, c := range chosen {
					built = append(built, c.pkg.Name)
				}
			}

			sel, err := cfg.Select(l)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := attest.CycloneDX(l, attest.Subject{Name: "shop"}, attest.WithSelection(sel))
			if err != nil {
				t.Fatal(err)
			}
			var bom struct{ Components []struct{ Name string } }
			if err := json.Unmarshal(doc, &bom); err != nil {
				t.Fatal(err)
			}
			var inSBOM []string
			for _, c := range bom.Components {
				inSBOM = append(inSBOM, c.Name)
			}

			rep, err := check.Run(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			var judged []string
			for _, f := range rep.Findings {
				if f.RuleID != "PW104" {
					continue
				}
				// "N packages are locked without a hash, …: a 1.0, b 2.0"
				// (at most ten names here) or "a 1.0 is locked without a hash…"
				if _, list, many := strings.Cut(f.Message, "cannot be verified: "); many {
					for _, item := range strings.Split(list, ", ") {
						judged = append(judged, strings.Fields(item)[0])
					}
				} else {
					judged = append(judged, strings.Fields(f.Message)[0])
				}
			}

			sets := map[string][]string{"build": built, "sbom": inSBOM, "check": judged}
			if tc.fixture == "workspace" {
				delete(sets, "build")
			}
			for what, got := range sets {
				got = slices.DeleteFunc(got, func(name string) bool {
					p, _ := l.Find(name)
					return p.Source.Kind == lock.SourceEditable || p.Source.Kind == lock.SourceVirtual
				})
				slices.Sort(got)
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s selects %v, want %v", what, got, tc.want)
				}
			}
		})
	}
}

// anyWheelOf lists one pure wheel of the locked version, for locks that
// record no files.
func anyWheelOf(l *lock.Lock) lister {
	return func(_ context.Context, project string) ([]wheel.Listed, error) {
		p, _ := l.Find(project)
		name := strings.ReplaceAll(project, "-", "_") + "-" + p.Version + "-py3-none-any.whl"
		return []wheel.Listed{{Filename: name, URL: "https://example.invalid/" + name}}, nil
	}
}

// unhashedFixture copies internal/lock/testdata/select/<name> into a
// temporary project with every hash removed.
func unhashedFixture(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "lock", "testdata", "select", name)
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	strip := []*regexp.Regexp{
		regexp.MustCompile(`, hash = "sha256:[0-9a-f]+"`),
		regexp.MustCompile(` \\\n +--hash=sha256:[0-9a-f]+`),
		regexp.MustCompile(`"hashes": \[\s*"sha256:[0-9a-f]+"\s*\]`),
	}
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, re := range strip {
			repl := ""
			if i == 2 {
				repl = `"hashes": []`
			}
			data = re.ReplaceAll(data, []byte(repl))
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
