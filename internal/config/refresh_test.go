package config

import (
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func TestRefreshSection(t *testing.T) {
	data := `service: s
refresh:
  windows: ["Mon 06:00-10:00 UTC", "Thu 22:00-02:00"]
  groups:
    - name: web
      packages: ["FastAPI", "uvicorn*"]
  ignore: ["boto3", "Django>=5"]
  prereleases: true
  allGroups: true
  labels: [dependencies]
`
	c, err := Parse("pinwheel.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.RefreshSection()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Windows) != 2 || r.Windows[0].Start != 6*60 || !r.Windows[0].Days[time.Monday] || r.Windows[1].End != 2*60 {
		t.Errorf("windows %+v", r.Windows)
	}
	if len(r.Groups) != 1 || r.Groups[0].Name != "web" || strings.Join(r.Groups[0].Packages, ",") != "fastapi,uvicorn*" || r.Groups[0].Line != 5 {
		t.Errorf("groups %+v", r.Groups)
	}
	if len(r.Ignore) != 2 || r.Ignore[0].Name != "boto3" || r.Ignore[0].Specifier != "" || r.Ignore[1].Name != "django" || r.Ignore[1].Specifier != ">=5" {
		t.Errorf("ignore %+v", r.Ignore)
	}
	if !r.Prereleases || !r.AllGroups || len(r.Labels) != 1 || r.Labels[0] != "dependencies" {
		t.Errorf("flags %+v", r)
	}
}

func TestRefreshSectionErrorsAtTheirPosition(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"bad_window", "refresh:\n  windows: [\"Mon 06:00-10:00 UTC\", \"Mun 06:00-10:00\"]\n", `pinwheel.yaml:3:36: refresh.windows[1]: window "Mun 06:00-10:00": day "Mun"`},
		{"window_not_string", "refresh:\n  windows: [[1]]\n", "pinwheel.yaml:3:13: refresh.windows[0]: expected a string"},
		{"unknown_key", "refresh:\n  window: []\n", `pinwheel.yaml:3:3: refresh: unknown key "window" (expected one of: allGroups, groups, ignore, labels, prereleases, windows)`},
		{"group_without_name", "refresh:\n  groups:\n    - packages: [a]\n", "pinwheel.yaml:4:7: refresh.groups[0]: expected a name"},
		{"group_bad_glob", "refresh:\n  groups:\n    - name: g\n      packages: [\"[a\"]\n", `pinwheel.yaml:5:18: refresh.groups[0].packages[0]: expected a package name or a glob`},
		{"ignore_with_url", "refresh:\n  ignore: [\"x @ https://e.com/x.whl\"]\n", `pinwheel.yaml:3:12: refresh.ignore[0]: expected a package name with an optional version specifier`},
		{"bool", "refresh:\n  prereleases: yes please\n", "pinwheel.yaml:3:16: refresh.prereleases: expected true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("pinwheel.yaml", []byte("service: s\n"+tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.RefreshSection()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant %s", err, tt.want)
			}
		})
	}
}

func FuzzRefreshSection(f *testing.F) {
	f.Add([]byte("refresh:\n  windows: [\"Mon 06:00-10:00 UTC\", \"Fri-Mon 22:00-02:00 Europe/Berlin\"]\n  groups: [{name: web, packages: [\"uvicorn*\"]}]\n  ignore: [\"django>=5\", boto3]\n  prereleases: true\n  labels: [deps]\n"))
	f.Add([]byte("refresh: &r {windows: [*r]}\n"))
	f.Add([]byte("refresh:\n  ignore: [\"x @ https://e\", \"y[z]\", \"w; python_version<'3'\"]\n"))
	f.Add([]byte("refresh:\n  groups: [{name: g, packages: [\"[\"]}]\n  allGroups: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		r, err := c.RefreshSection()
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("non-input error: %T %v", err, err)
			}
			return
		}
		for _, w := range r.Windows {
			if w.Loc == nil || w.Start == w.End {
				t.Fatalf("window %q accepted: %+v", w.Spec, w)
			}
		}
		for _, ig := range r.Ignore {
			if ig.Name == "" {
				t.Fatalf("ignore entry without a name: %+v", r.Ignore)
			}
		}
	})
}
