package lock

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSelect is the production set of each format, and what pinwheel.yaml's
// groups: and extras: add to it, on realistic locks under testdata/select.
func TestSelect(t *testing.T) {
	tests := []struct {
		name, dir string
		want      Want
		selected  []string // package names, sorted
	}{
		// uv: main dependencies (uv sync --no-default-groups), whatever
		// [tool.uv] default-groups says.
		{"uv_default", "uv", Want{}, []string{"fastapi", "shop", "starlette"}},
		{"uv_group", "uv", Want{Groups: []string{"serve"}}, []string{"fastapi", "gunicorn", "packaging", "shop", "starlette"}},
		{"uv_extra", "uv", Want{Extras: []string{"postgres"}}, []string{"fastapi", "psycopg", "shop", "starlette"}},
		{"uv_dev_asked", "uv", Want{Groups: []string{"dev"}}, []string{"fastapi", "iniconfig", "packaging", "pytest", "shop", "starlette"}},
		// default-groups = "all" is a developer default: still main only.
		{"uv_all", "uv-all", Want{}, []string{"fastapi", "shop", "starlette"}},
		// poetry: main only (poetry install --only main); an optional
		// package only through its extra; an optional group when asked.
		{"poetry_default", "poetry", Want{}, []string{"asgiref", "django", "sqlparse"}},
		{"poetry_extra", "poetry", Want{Extras: []string{"postgres"}}, []string{"asgiref", "django", "psycopg2-binary", "sqlparse"}},
		{"poetry_optional_group", "poetry", Want{Groups: []string{"docs"}}, []string{"asgiref", "django", "mkdocs", "sqlparse"}},
		{"poetry_dev", "poetry", Want{Groups: []string{"dev"}}, []string{"asgiref", "django", "iniconfig", "pytest", "sqlparse"}},
		// pdm: the default group.
		{"pdm_default", "pdm", Want{}, []string{"flask", "werkzeug"}},
		{"pdm_extra", "pdm", Want{Extras: []string{"redis"}}, []string{"flask", "redis", "werkzeug"}},
		// Pipfile.lock: the default section.
		{"pipfile_default", "pipfile", Want{}, []string{"certifi", "requests"}},
		{"pipfile_develop", "pipfile", Want{Groups: []string{"dev"}}, []string{"certifi", "requests", "responses"}},
		// PEP 751: markers with dependency_groups = default-groups; the
		// environment part (tzdata on win32) is the build's to decide.
		{"pylock_default", "pylock", Want{}, []string{"certifi", "requests", "tzdata"}},
		{"pylock_dev", "pylock", Want{Groups: []string{"dev"}}, []string{"certifi", "pytest", "requests", "tzdata"}},
		{"pylock_extra", "pylock", Want{Extras: []string{"socks"}}, []string{"certifi", "pysocks", "requests", "tzdata"}},
		// requirements: everything in the file.
		{"requirements", "requirements", Want{}, []string{"gunicorn", "packaging"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := parseSelectLock(t, tc.dir)
			s, err := Select(l, tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if got := packageNames(s.Packages); !slices.Equal(got, tc.selected) {
				t.Errorf("selected %v, want %v", got, tc.selected)
			}
			if len(s.Packages)+len(s.Excluded) != len(l.Packages) {
				t.Errorf("%d selected + %d excluded != %d packages", len(s.Packages), len(s.Excluded), len(l.Packages))
			}
			for _, x := range s.Excluded {
				if x.Reason == "" {
					t.Errorf("%s excluded without a reason", x.Package.Name)
				}
			}
		})
	}
}

func TestSelectExcludedReasons(t *testing.T) {
	s, err := Select(parseSelectLock(t, "pylock"), Want{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, x := range s.Excluded {
		got[x.Package.Name] = x.Reason
	}
	if r := got["pytest"]; !strings.Contains(r, "'dev' in dependency_groups") || !strings.Contains(r, "dependency_groups = {default}") {
		t.Errorf("pytest reason = %q", r)
	}
	s, err = Select(parseSelectLock(t, "poetry"), Want{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range s.Excluded {
		if x.Package.Name == "psycopg2-binary" && x.Reason != "only in postgres" {
			t.Errorf("psycopg2-binary reason = %q", x.Reason)
		}
	}
	if s.Rule != "main group (poetry install --only main)" {
		t.Errorf("rule = %q", s.Rule)
	}
}

func TestSelectUnknownGroup(t *testing.T) {
	tests := []struct {
		name, dir string
		want      Want
		kind      string
		index     int
		have      []string
	}{
		{"uv_group", "uv", Want{Groups: []string{"serve", "prod"}}, "group", 1, []string{"dev", "serve"}},
		{"uv_extra_is_not_a_group", "uv", Want{Groups: []string{"postgres"}}, "group", 0, []string{"dev", "serve"}},
		{"poetry_extra", "poetry", Want{Extras: []string{"mysql"}}, "extra", 0, []string{"postgres"}},
		{"requirements_has_none", "requirements", Want{Groups: []string{"dev"}}, "group", 0, nil},
		{"pylock_group", "pylock", Want{Groups: []string{"test"}}, "group", 0, []string{"dev", "default"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Select(parseSelectLock(t, tc.dir), tc.want)
			var ue *UnknownGroupError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want *UnknownGroupError", err)
			}
			if ue.Kind != tc.kind || ue.Index != tc.index || !slices.Equal(ue.Have, tc.have) {
				t.Errorf("got %s #%d have %v, want %s #%d have %v", ue.Kind, ue.Index, ue.Have, tc.kind, tc.index, tc.have)
			}
			if !strings.Contains(err.Error(), ue.Lock) {
				t.Errorf("error %q does not name the lock", err)
			}
		})
	}
}

func TestUVDefaultGroups(t *testing.T) {
	lockGroups := []string{"dev", "lint", "serve"}
	tests := []struct {
		name     string
		defaults []string
		want     []string
	}{
		{"unset_means_dev", nil, []string{"dev"}},
		{"list", []string{"dev", "Lint"}, []string{"dev", "lint"}},
		{"all", []string{"all"}, []string{"dev", "lint", "serve"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := uvDefaultGroups(tc.defaults, lockGroups); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	l := parseSelectLock(t, "uv-all")
	if want := []string{"dev", "serve"}; !slices.Equal(l.ToolDefaultGroups, want) || len(l.DefaultGroups) != 0 {
		t.Errorf("uv-all: tool default groups %v (want %v), production default groups %v (want none)", l.ToolDefaultGroups, want, l.DefaultGroups)
	}
}

func parseSelectLock(t *testing.T, dir string) *Lock {
	t.Helper()
	path, err := Detect(filepath.Join("testdata", "select", dir))
	if err != nil {
		t.Fatal(err)
	}
	l, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func packageNames(pkgs []Package) []string {
	out := make([]string, 0, len(pkgs))
	for _, p := range pkgs {
		out = append(out, p.Name)
	}
	slices.Sort(out)
	return out
}

// TestSelectWorkspaceMember: a service in a uv workspace installs what its
// member needs (uv sync --package MEMBER --no-default-groups), not every member's
// dependencies; the workspace root, no member itself, gets them all.
func TestSelectWorkspaceMember(t *testing.T) {
	ws := filepath.Join("testdata", "select", "workspace")
	tests := []struct {
		name, dir string
		groups    []string
		member    string
		selected  []string
	}{
		{"orders", "services/orders", nil, "orders", []string{"common", "fastapi", "orders", "pydantic", "starlette"}},
		{"orders_dev", "services/orders", []string{"dev"}, "orders", []string{"common", "fastapi", "iniconfig", "orders", "pydantic", "pytest", "starlette"}},
		{"billing", "services/billing", nil, "billing", []string{"billing", "common", "pydantic", "stripe"}},
		{"billing_dev_is_orders_group", "services/billing", []string{"dev"}, "billing", []string{"billing", "common", "pydantic", "stripe"}},
		{"root", ".", nil, "", []string{"billing", "common", "fastapi", "orders", "pydantic", "starlette", "stripe"}},
	}
	l := parseSelectLock(t, "workspace")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Select(l, Want{Groups: tc.groups, Dir: filepath.Join(ws, tc.dir)})
			if err != nil {
				t.Fatal(err)
			}
			if s.Member != tc.member {
				t.Errorf("member %q, want %q", s.Member, tc.member)
			}
			if got := packageNames(s.Packages); !slices.Equal(got, tc.selected) {
				t.Errorf("selected %v, want %v", got, tc.selected)
			}
		})
	}
	want := []Member{{"billing", "services/billing"}, {"common", "packages/common"}, {"orders", "services/orders"}}
	if !slices.Equal(l.Members, want) {
		t.Errorf("members %v, want %v", l.Members, want)
	}
}
