package refresh

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/lock"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenPlan has text from a hostile index in every place the index can
// put text: a yank reason with a link and HTML, a link label with markdown,
// a note with a table break.
func goldenPlan() *Plan {
	p := &Plan{Lockfile: "uv.lock", Format: lock.FormatUV, Python: "3.11", Checked: 4, Current: 1,
		Updates: []Update{
			{Package: "django", From: "4.2.0", To: "5.0.0", Level: lock.LevelMajor, Risk: lock.RiskHigh, Labels: []string{"major", "new-index"},
				Group: "major", Index: "https://mirror.example/simple/", LockedIndex: "https://pypi.org/simple/",
				Changelog: Changelog{Releases: []string{"5.0.0"}, Metadata: "no links: the index serves no metadata file (PEP 658) for django 5.0.0"}},
			{Package: "requests", From: "2.31.0", To: "2.32.3", Level: lock.LevelMinor, Risk: lock.RiskMedium, Labels: []string{"minor", "new-dependency"},
				Group: "minor", NewDependencies: []string{"charset-normalizer"},
				Changelog: Changelog{Releases: []string{"2.32.0", "2.32.3"}, Links: []Link{{"Change**log**](javascript:alert(1)) [x", "https://requests.example/history"}}},
				Skipped:   []Skipped{{"2.33.0", "yanked: [click me](https://evil.example) <img src=x onerror=alert(1)> | broken"}}},
			{Package: "flask", From: "2.0.0", To: "2.0.2", Level: lock.LevelPatch, Risk: lock.RiskLow, Labels: []string{"patch", "yanked"},
				Group: "patch", LockedYanked: true, YankedReason: "security ```hole```",
				Changelog: Changelog{Releases: []string{"2.0.2"}, Links: []Link{{"Releases", "https://github.com/pallets/flask/releases"}}}},
		},
		Notes: []Note{{Package: "six", Version: "1.16.0", Message: "index: get https://x.example/simple/six/: 503 | <b>down</b>"}},
	}
	p.Groups = group(p.Updates, nil)
	p.Relock, _ = RelockArgv(p.Format, "uv.lock", p.Updates)
	return p
}

func TestRenderGolden(t *testing.T) {
	p := goldenPlan()
	for _, tc := range []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"plan.md", func(b *bytes.Buffer) error { return p.WriteMarkdown(b) }},
		{"plan.txt", func(b *bytes.Buffer) error { return p.WriteText(b) }},
		{"plan.json", func(b *bytes.Buffer) error { return p.WriteJSON(b) }},
	} {
		var b bytes.Buffer
		if err := tc.write(&b); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tc.file)
		if *update {
			os.MkdirAll("testdata", 0o755)
			os.WriteFile(path, b.Bytes(), 0o644)
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if b.String() != string(want) {
			t.Errorf("%s differs from the golden file (go test -run TestRenderGolden -update):\n%s", tc.file, b.String())
		}
	}
}

func TestMarkdownKeepsIndexTextInert(t *testing.T) {
	var b bytes.Buffer
	_ = goldenPlan().WriteMarkdown(&b)
	md := b.String()
	// Live markup is markup whose first character is not escaped.
	live := regexp.MustCompile("(^|[^\\\\])(<img|<b>|\\]\\(javascript|\\]\\(https://evil|```hole)")
	if m := live.FindString(md); m != "" {
		t.Errorf("markdown contains live %q:\n%s", m, md)
	}
	if n := strings.Count(md, "](https://"); n != 2 {
		t.Errorf("%d links, want the two real ones:\n%s", n, md)
	}
}

func TestMarkdownIsCutAtGitHubsLimit(t *testing.T) {
	p := goldenPlan()
	for i := range 2000 {
		p.Notes = append(p.Notes, Note{Package: "pkg", Message: strings.Repeat("n", 30) + string(rune('a'+i%26))})
	}
	var b bytes.Buffer
	_ = p.WriteMarkdown(&b)
	if n := len([]rune(b.String())); n > MaxBody || !strings.Contains(b.String(), "cut at GitHub's body limit") {
		t.Errorf("%d characters", n)
	}
}
