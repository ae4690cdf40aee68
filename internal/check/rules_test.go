package check

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// brief renders a finding as "RULE file:line[:col]" with a trailing
// " (suppressed)" when an inline comment silenced it.
func brief(f Finding) string {
	s := fmt.Sprintf("%s %s:%d", f.RuleID, f.File, f.Line)
	if f.Column > 0 {
		s += fmt.Sprintf(":%d", f.Column)
	}
	if f.Suppression != nil {
		s += " (suppressed)"
	}
	return s
}

func runProject(t *testing.T, name string) Report {
	t.Helper()
	rep, err := Run(context.Background(), filepath.Join("testdata", "projects", name))
	if err != nil {
		t.Fatalf("Run(%s): %v", name, err)
	}
	return rep
}

// TestRules runs every fixture project and compares the complete list of
// findings: each rule has a project that triggers it, and the clean
// project triggers none.
func TestRules(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"clean", nil},
		{"nolock", []string{"PW101 pyproject.toml:0"}},
		{"stale", []string{"PW102 Pipfile:3", "PW103 Pipfile:6"}},
		{"nohash", []string{"PW104 requirements.txt:3"}},
		{"nohash-many", []string{"PW104 requirements.txt:2"}},
		{"unpinned", []string{
			"PW101 requirements.txt:0",
			"PW105 requirements.txt:1:1", "PW105 requirements.txt:2:1",
			"PW105 requirements.txt:3:1", "PW105 requirements.txt:4:1",
		}},
		{"pyversion", []string{"PW202 .python-version:1:1", "PW201 pyproject.toml:4"}},
		{"docker-base", []string{
			"PW203 Dockerfile:1", "PW301 Dockerfile:1", "PW302 Dockerfile:2", "PW302 Dockerfile:3", "PW301 Dockerfile:5",
			"PW302 Dockerfile:7", "PW301 Dockerfile:10",
		}},
		{"docker-run", []string{
			"PW303 Dockerfile:2:5", "PW303 Dockerfile:3:5", "PW303 Dockerfile:4:8", "PW304 Dockerfile:6:8",
			"PW305 Dockerfile:9:5", "PW305 Dockerfile:10:5", "PW305 Dockerfile:11:12", "PW306 Dockerfile:12",
			"PW303 Dockerfile:15:1", "PW303 Dockerfile:17", "PW401 Dockerfile:18:5",
		}},
		{"uv-stale", []string{
			"PW103 pyproject.toml:4", "PW102 pyproject.toml:8 (suppressed)", "PW102 pyproject.toml:9", "PW104 uv.lock:13",
		}},
		{"poetry-stale", []string{
			"PW103 pyproject.toml:9", "PW102 pyproject.toml:10", "PW102 pyproject.toml:11",
		}},
		{"poetry-fresh", nil},
		{"kube-svc", nil},        // its k8s/ manifests: TestManifestPythonRules
		{"poetry-narrowed", nil}, // [project] >=3.10 narrowed by poetry's python to the lock's range
		// Discovery: a lock under another name, a lock the Dockerfile copies
		// from one level down, a Dockerfile named *.Dockerfile one level
		// down, and a monorepo root whose services are checked in place.
		{"discover-reqlock", []string{"PW105 requirements-dev.txt:1:1", "PW105 requirements/lint.txt:1:1"}},
		{"discover-down", []string{"PW105 requirements.txt:1:1"}},
		{"docker-sub", []string{"PW301 docker/api.Dockerfile:1"}},
		{"monorepo", []string{"PW301 services/api/Dockerfile:1", "PW303 services/worker/Dockerfile:3:5", "PW101 services/worker/pyproject.toml:0"}},
		{"script-stale", []string{"PW102 report.py:5"}},
		{"workspace-stale", []string{"PW102 services/orders/pyproject.toml:7", "PW102 services/orders/pyproject.toml:8"}},
		{"markers", []string{"PW102 pyproject.toml:9"}},
		{"pdm-stale", []string{
			"PW103 pyproject.toml:5", "PW102 pyproject.toml:8", "PW102 pyproject.toml:12",
		}},
		{"pylock-stale", []string{
			"PW103 pyproject.toml:5", "PW102 pyproject.toml:7", "PW102 pyproject.toml:12",
		}},
		{"entrypoint", []string{
			"PW307 Dockerfile.uv:4", "PW515 Dockerfile.worker:5", "PW307 docker-entrypoint.sh:2:1", "PW307 scripts/start.sh:3:1", "PW307 scripts/start.sh:4:1",
		}},
		{"secrets", []string{
			"PW403 .env:0",
			"PW401 Dockerfile:2", "PW401 Dockerfile:4", "PW401 Dockerfile:6", "PW401 Dockerfile:7",
			"PW402 Dockerfile:8", "PW402 Dockerfile:9",
		}},
		{"app-secrets", []string{ // no Dockerfile: what pinwheel build would take
			"PW403 .env:0", "PW406 app/settings.py:0", "PW403 keys/id_ed25519:0", "PW101 pinwheel.yaml:0",
			"PW405 pinwheel.yaml:4:12", "PW405 pinwheel.yaml:4:12", "PW404 pinwheel.yaml:7:3", "PW404 pinwheel.yaml:7:3",
			"PW407 pinwheel.yaml:11:14",
		}},
		{"suppress", []string{
			"PW301 Dockerfile:2 (suppressed)",
			"PW001 Dockerfile:3", "PW301 Dockerfile:4",
			"PW304 Dockerfile:5:5 (suppressed)",
			"PW002 Dockerfile:6", "PW301 Dockerfile:7",
			"PW304 Dockerfile:10:8 (suppressed)",
			"PW002 Dockerfile:11",
			"PW105 requirements-dev.txt:1:1 (suppressed)",
		}},
	}
	// Every fixture project is listed here (rich has its golden files).
	entries, err := os.ReadDir(filepath.Join("testdata", "projects"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "rich" && !slices.ContainsFunc(tests, func(tt struct {
			name string
			want []string
		}) bool {
			return tt.name == e.Name()
		}) {
			t.Errorf("fixture project %s has no expected findings in TestRules", e.Name())
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := runProject(t, tt.name)
			var got []string
			for _, f := range rep.Findings {
				got = append(got, brief(f))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got  %q\n want %q", got, tt.want)
			}
		})
	}
}

// TestEveryRuleHasATriggeringFixture keeps the catalog and the fixtures in
// step: a rule nobody can trigger is a rule nobody tested.
func TestEveryRuleHasATriggeringFixture(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range []string{"rich", "nolock", "stale", "nohash", "unpinned", "pyversion", "docker-base",
		"docker-run", "entrypoint", "secrets", "app-secrets", "suppress", "uv-stale"} {
		for _, f := range runProject(t, name).Findings {
			seen[f.RuleID] = true
		}
	}
	manifests, _ := filepath.Glob(filepath.Join("testdata", "manifests", "*.yaml"))
	manifests = append(manifests, filepath.Join("testdata", "projects", "kube-svc", "k8s"))
	for _, m := range manifests {
		for _, f := range runManifests(t, filepath.Join("testdata", "projects", "kube-svc"), m).Findings {
			seen[f.RuleID] = true
		}
	}
	for _, id := range RuleIDs() {
		if !seen[id] {
			t.Errorf("no fixture project triggers %s (%s)", id, Rules[id].Title)
		}
	}
}

func TestFindingsCarryFixAndSeverity(t *testing.T) {
	for _, f := range runProject(t, "rich").Findings {
		if f.Fix == "" || f.Severity == 0 || f.Message == "" {
			t.Errorf("%s: incomplete finding %+v", brief(f), f)
		}
	}
}

func TestReportFails(t *testing.T) {
	rep := runProject(t, "pyversion") // one medium, one low
	tests := []struct {
		name      string
		threshold Severity
		want      bool
	}{
		{"critical", SeverityCritical, false},
		{"high", SeverityHigh, false},
		{"medium", SeverityMedium, true},
		{"low", SeverityLow, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rep.Fails(tt.threshold); got != tt.want {
				t.Errorf("Fails(%s) = %v, want %v", tt.threshold, got, tt.want)
			}
		})
	}
	if runProject(t, "suppress").Fails(SeverityHigh) {
		t.Error("suppressed findings must not fail a run")
	}
}

// TestPythonVersionFileMissing: a project with a manifest but no
// .python-version gets PW202 on the file itself; a tools-only
// pyproject.toml gets neither PW201 nor PW202.
func TestPythonVersionFileMissing(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"project", map[string]string{"requirements.txt": lockedRequirements,
			"pyproject.toml": "[project]\nname = \"svc\"\nrequires-python = \">=3.11,<3.12\"\n"}, []string{"PW202 .python-version:0"}},
		{"tools_only", map[string]string{"requirements.txt": lockedRequirements,
			"pyproject.toml": "[tool.black]\nline-length = 100\n", ".python-version": "3.11.9\n"}, nil},
		{"no_requires_python", map[string]string{"requirements.txt": lockedRequirements,
			"pyproject.toml": "[project]\nname = \"svc\"\n", ".python-version": "3.11.9\n"}, []string{"PW201 pyproject.toml:0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Run(context.Background(), writeProject(t, tt.files))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range rep.Findings {
				got = append(got, brief(f))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %q, want %q", got, tt.want)
			}
		})
	}
}

// PW104 is one finding per lock, with the count and the first names.
func TestUnhashedPackagesAreOneFindingPerLock(t *testing.T) {
	rep := runProject(t, "nohash-many")
	if len(rep.Findings) != 1 {
		t.Fatalf("%d findings, want 1: %+v", len(rep.Findings), rep.Findings)
	}
	want := "14 packages are locked without a hash, so their artifacts cannot be verified: anyio 4.4.0, certifi 2024.7.4, click 8.1.7, fastapi 0.112.0, h11 0.14.0, httpcore 1.0.5, httpx 0.27.0, idna 3.7, pydantic 2.8.2, pydantic-core 2.20.1 and 4 more"
	if got := rep.Findings[0].Message; got != want {
		t.Errorf("message\n%s\nwant\n%s", got, want)
	}
}

func TestSamePythons(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{">=3.9,<3.13", ">=3.9,<=3.12", true},         // pdm's rewrite
		{">=3.10,>=3.10,<3.13", ">=3.10,<3.13", true}, // poetry's narrowing joined to [project]'s
		{"<3.13, >=3.9", ">=3.9,<3.13", true},
		{">=3.11", ">=3.11,<3.13", false},
		{">=3.9", ">=3.10", false},
		{"==3.12.*", ">=3.12,<3.13", true},
		{"3.11", "3.12", false}, // Pipfile python_version: text
		{"3.11", "3.11", true},
	} {
		if got := samePythons(tc.a, tc.b); got != tc.same {
			t.Errorf("samePythons(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

// The lock discovery picks the lock production installs and says so in
// the report: requirements_lock.txt by its name, deploy/locked.txt because
// the Dockerfile copies it and installs from it (requirements.txt beside it
// is only an input).
func TestLockDiscovery(t *testing.T) {
	for name, want := range map[string]string{
		"discover-reqlock": "requirements_lock.txt",
		"discover-down":    "deploy/locked.txt",
		"clean":            "requirements.txt",
	} {
		if got := runProject(t, name).Lockfile; got != want {
			t.Errorf("%s: lockfile %q, want %q", name, got, want)
		}
	}
}
