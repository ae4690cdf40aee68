package lock

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func diffFixtures(t testing.TB) Changes {
	t.Helper()
	old := mustParse(t, filepath.Join("testdata", "diff", "old", "Pipfile.lock"))
	new := mustParse(t, filepath.Join("testdata", "diff", "new", "requirements.txt"))
	return Diff(old, new)
}

func TestDiffKinds(t *testing.T) {
	c := diffFixtures(t)
	got := map[string]Change{}
	for _, ch := range c.Changes {
		got[ch.Name] = ch
	}
	tests := []struct {
		name                                  string
		kind                                  ChangeKind
		level                                 Level
		risk                                  Risk
		sourceChanged, hashesChanged, suspect bool
		hashesLost                            bool
	}{
		{name: "idna", kind: ChangeUpgraded, level: LevelMinor, risk: RiskMedium},
		{name: "requests", kind: ChangeUpgraded, level: LevelMinor, risk: RiskMedium},
		{name: "urllib3", kind: ChangeUpgraded, level: LevelMajor, risk: RiskHigh},
		{name: "packaging", kind: ChangeUpgraded, level: LevelPatch, risk: RiskLow},
		{name: "click", kind: ChangeUpgraded, level: LevelPrerelease, risk: RiskMedium},
		{name: "pytest", kind: ChangeDowngraded, level: LevelMinor, risk: RiskHigh},
		{name: "django", kind: ChangeAdded, risk: RiskMedium},
		{name: "six", kind: ChangeRemoved, risk: RiskLow},
		{name: "pyyaml", kind: ChangeChanged, risk: RiskHigh, hashesChanged: true, suspect: true},
		{name: "sqlparse", kind: ChangeChanged, risk: RiskLow, hashesChanged: true},
		{name: "attrs", kind: ChangeChanged, risk: RiskHigh, hashesLost: true},
		{name: "acme-lib", kind: ChangeChanged, risk: RiskMedium, sourceChanged: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, ok := got[tt.name]
			if !ok {
				t.Fatalf("no change for %s", tt.name)
			}
			if ch.Kind != tt.kind || ch.Level != tt.level || ch.Risk != tt.risk || ch.SourceChanged != tt.sourceChanged ||
				ch.HashesChanged != tt.hashesChanged || ch.Suspicious != tt.suspect || ch.HashesLost != tt.hashesLost {
				t.Errorf("got %+v", ch)
			}
		})
	}
	// "# via -r requirements.in" makes urllib3 direct in the new lock; the old
	// Pipfile.lock has no Pipfile beside it, so six was not known as direct.
	if !got["urllib3"].Direct || got["six"].Direct {
		t.Errorf("direct: urllib3 %v, six %v", got["urllib3"].Direct, got["six"].Direct)
	}
	for _, same := range []string{"certifi", "charset-normalizer"} {
		if ch, ok := got[same]; ok {
			t.Errorf("unchanged %s reported: %+v", same, ch)
		}
	}
	if len(c.Changes) != len(tests) {
		t.Errorf("%d changes, want %d", len(c.Changes), len(tests))
	}
	s := c.Summary
	if s.Added != 1 || s.Removed != 1 || s.Upgraded != 5 || s.Downgraded != 1 || s.Suspicious != 1 || s.HashesLost != 1 || s.SourceChanged != 1 || s.HighRisk != 4 {
		t.Errorf("summary = %+v", s)
	}
}

func TestDiffIdenticalAcrossFormats(t *testing.T) {
	dir := filepath.Join("testdata", "hash", "same")
	c := Diff(mustParse(t, filepath.Join(dir, "Pipfile.lock")), mustParse(t, filepath.Join(dir, "uv.lock")))
	if !c.Empty() {
		t.Errorf("same resolution in two formats differs: %+v", c.Changes)
	}
}

func TestDiffMultipleVersionsOfOneName(t *testing.T) {
	old := &Lock{Packages: []Package{{Name: "numpy", Version: "2.0.2", Source: Source{Kind: SourceRegistry}}, {Name: "numpy", Version: "2.2.6", Source: Source{Kind: SourceRegistry}}}}
	new := &Lock{Packages: []Package{{Name: "numpy", Version: "2.0.2", Source: Source{Kind: SourceRegistry}}, {Name: "numpy", Version: "2.3.0", Source: Source{Kind: SourceRegistry}}}}
	c := Diff(old, new)
	if len(c.Changes) != 1 || c.Changes[0].Kind != ChangeUpgraded || c.Changes[0].OldVersion != "2.2.6" || c.Changes[0].Level != LevelMinor {
		t.Errorf("changes = %+v", c.Changes)
	}
}

func TestWriteDiffGolden(t *testing.T) {
	c := diffFixtures(t)
	for _, format := range DiffFormats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDiff(&buf, c, format); err != nil {
				t.Fatal(err)
			}
			ext := map[string]string{"text": "txt", "markdown": "md", "json": "json"}[format]
			checkGolden(t, filepath.Join("testdata", "diff", "golden."+ext), buf.Bytes())
		})
	}
	if err := WriteDiff(&bytes.Buffer{}, c, "yaml"); err == nil || !strings.Contains(err.Error(), "unknown diff format") {
		t.Errorf("err = %v", err)
	}
}

// BenchmarkDiff compares two 2,000-package locks in which every tenth
// package moved.
func BenchmarkDiff(b *testing.B) {
	old, new := syntheticLock(2000, 0), syntheticLock(2000, 10)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = Diff(old, new)
	}
}

func syntheticLock(n, bumpEvery int) *Lock {
	l := &Lock{Format: FormatUV, Path: "uv.lock"}
	for i := 0; i < n; i++ {
		minor := 0
		if bumpEvery > 0 && i%bumpEvery == 0 {
			minor = 1
		}
		p := Package{Name: fmt.Sprintf("pkg-%04d", i), Version: fmt.Sprintf("1.%d.%d", minor, i%7), Source: Source{Kind: SourceRegistry, URL: defaultIndexURL}}
		for w := 0; w < 3; w++ {
			p.Artifacts = append(p.Artifacts, Artifact{Kind: ArtifactWheel, Name: fmt.Sprintf("%s-%s-%d.whl", p.Name, p.Version, w),
				Hashes: map[string]string{"sha256": fmt.Sprintf("%064x", i*10+w+minor*100000)}})
		}
		l.Packages = append(l.Packages, p)
	}
	return l
}

func TestDiffSourcesAndSpecifiers(t *testing.T) {
	reg := func(url string) Source { return Source{Kind: SourceRegistry, URL: url} }
	tests := []struct {
		name     string
		old, new Package
		kind     ChangeKind
		risk     Risk
		note     string
	}{
		{name: "index_moved", kind: ChangeChanged, risk: RiskMedium, note: "source index https://pypi.org/simple → index https://mirror.example/simple",
			old: Package{Name: "six", Version: "1.16.0", Source: reg("")}, new: Package{Name: "six", Version: "1.16.0", Source: reg("https://mirror.example/simple")}},
		{name: "registry_to_git", kind: ChangeChanged, risk: RiskHigh, note: "source index https://pypi.org/simple → git https://github.com/benjaminp/six@0123456789ab",
			old: Package{Name: "six", Version: "1.16.0", Source: reg("https://pypi.org/simple")},
			new: Package{Name: "six", Version: "1.16.0", Source: Source{Kind: SourceGit, VCS: "git", URL: "https://github.com/benjaminp/six", Commit: "0123456789abcdef0123456789abcdef01234567"}}},
		{name: "specifier_to_pin", kind: ChangeChanged, risk: RiskLow, note: "requirement >=1.15 → 1.16.0",
			old: Package{Name: "six", Specifier: ">=1.15", Source: reg("")}, new: Package{Name: "six", Version: "1.16.0", Source: reg("")}},
		{name: "unpinned_any", kind: ChangeChanged, risk: RiskHigh, note: "requirement 1.16.0 → (any version)",
			old: Package{Name: "six", Version: "1.16.0", Source: reg("")}, new: Package{Name: "six", Source: reg("")}},
		{name: "marker_changed", kind: ChangeChanged, risk: RiskLow, note: `marker os_name == "nt" → sys_platform == "win32"`,
			old: Package{Name: "six", Version: "1.16.0", Source: reg(""), Marker: `os_name == "nt"`}, new: Package{Name: "six", Version: "1.16.0", Source: reg(""), Marker: `sys_platform == "win32"`}},
		{name: "marker_only_one_side", old: Package{Name: "six", Version: "1.16.0", Source: reg(""), Marker: `os_name == "nt"`}, new: Package{Name: "six", Version: "1.16.0", Source: reg("")}},
		{name: "same_spelled_differently", old: Package{Name: "six", Version: "1.16", Source: reg("https://pypi.org/simple/")},
			new: Package{Name: "six", Version: "1.16.0", Source: reg("https://PYPI.org/simple")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Diff(&Lock{Packages: []Package{tt.old}}, &Lock{Packages: []Package{tt.new}})
			if tt.kind == "" {
				if !c.Empty() {
					t.Errorf("changes = %+v, want none", c.Changes)
				}
				return
			}
			if len(c.Changes) != 1 {
				t.Fatalf("changes = %+v", c.Changes)
			}
			ch := c.Changes[0]
			if ch.Kind != tt.kind || ch.Risk != tt.risk || strings.Join(ch.Notes, "; ") != tt.note {
				t.Errorf("got kind %s risk %s notes %q", ch.Kind, ch.Risk, ch.Notes)
			}
		})
	}
}

// What a trial on real repositories found noisy: PyPI under its old name,
// CalVer years, reordered markers, and packages with many wheels.
func TestDiffPrecision(t *testing.T) {
	pkg := func(name, version, index, marker string, wheels int) Package {
		p := Package{Name: name, Version: version, Marker: marker, Source: Source{Kind: SourceRegistry, URL: index}}
		for i := 0; i < wheels; i++ {
			p.Artifacts = append(p.Artifacts, Artifact{Name: fmt.Sprintf("%s-%s-cp3%d-manylinux.whl", name, version, i), Hashes: map[string]string{"sha256": fmt.Sprintf("%064x", i)}})
		}
		return p
	}
	old := &Lock{Packages: []Package{
		pkg("requests", "2.32.3", "https://pypi.python.org/simple/", `python_version >= "3.8" and sys_platform == "linux"`, 1),
		pkg("certifi", "2025.3.31", "https://pypi.org/simple", "", 1),
		pkg("tzdata", "2025.1", "https://pypi.org/simple", "", 1),
		pkg("numpy", "2.1.0", "https://pypi.org/simple", "", 2),
	}}
	newer := pkg("numpy", "2.1.0", "https://pypi.org/simple", "", 62)
	newer.Artifacts = newer.Artifacts[2:] // the two old wheels gone, 60 new ones
	new := &Lock{Packages: []Package{
		pkg("requests", "2.32.3", "https://pypi.org/simple", `sys_platform == 'linux' and python_version >= "3.8"`, 1),
		pkg("certifi", "2026.2.1", "https://pypi.org/simple", "", 1),
		pkg("tzdata", "2025.2", "https://pypi.org/simple", "", 1),
		newer,
	}}
	got := map[string]Change{}
	for _, ch := range Diff(old, new).Changes {
		got[ch.Name] = ch
	}
	if ch, ok := got["requests"]; ok {
		t.Errorf("requests: the same index under its old name and a reordered marker are no change, got %+v", ch)
	}
	if ch := got["certifi"]; ch.Level != LevelMinor || ch.Risk != RiskMedium {
		t.Errorf("certifi 2025.3.31 → 2026.2.1 (CalVer): level %s risk %s, want minor/medium", ch.Level, ch.Risk)
	}
	if ch := got["tzdata"]; ch.Level != LevelPatch || ch.Risk != RiskLow {
		t.Errorf("tzdata 2025.1 → 2025.2 (CalVer): level %s risk %s, want patch/low", ch.Level, ch.Risk)
	}
	var buf bytes.Buffer
	if err := WriteDiff(&buf, Diff(old, new), "text"); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if len(line) > 300 {
			t.Errorf("a %d-character line: %.120s…", len(line), line)
		}
	}
	if !regexp.MustCompile(`60 artifact\(s\) added: numpy-2\.1\.0-cp\d+-manylinux\.whl, numpy-\S+, numpy-\S+, and 57 more\n`).MatchString(buf.String()) {
		t.Errorf("numpy's added wheels are not summarized:\n%s", buf.String())
	}
}
