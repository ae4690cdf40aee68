package refresh

import (
	"slices"
	"strings"
	"testing"
)

func TestParseMetadata(t *testing.T) {
	m := ParseMetadata([]byte("Metadata-Version: 2.1\r\nName: Demo\nVersion: 1.2\nHome-page: https://github.com/acme/demo.git\n" +
		"Requires-Dist: Foo.Bar>=1\nRequires-Dist: foo-bar\nRequires-Dist: tests; extra == 'test'\nRequires-Dist: not a requirement!!\n" +
		"Project-URL: Change Log, https://demo.example/changes\nProject-URL: Bad, javascript:alert(1)\nProject-URL: Creds, https://u:p@x.example/\n" +
		"Project-URL: Bracket, https://x.example/a)b\nProject-URL: no comma here\n" +
		"Description: long\n  text\n\nbody text Project-URL: Changelog, https://not.header/\n"))
	if m.Name != "Demo" || m.Version != "1.2" {
		t.Errorf("name/version %q %q", m.Name, m.Version)
	}
	if !slices.Equal(m.Requires, []string{"foo-bar"}) {
		t.Errorf("requires %v", m.Requires)
	}
	want := []Link{{"Homepage", "https://github.com/acme/demo.git"}, {"Change Log", "https://demo.example/changes"}}
	if !slices.Equal(m.Links, want) {
		t.Errorf("links %v", m.Links)
	}
	got := ChangelogLinks(m.Links)
	if !slices.Equal(got, []Link{{"Changelog", "https://demo.example/changes"}, {"Releases", "https://github.com/acme/demo/releases"}}) {
		t.Errorf("changelog links %v", got)
	}
}

func TestChangelogLinksByPEP753Label(t *testing.T) {
	tests := []struct{ label, url, want string }{
		{"What's New?", "https://a.example/new", "Changelog https://a.example/new"},
		{"Release_Notes", "https://a.example/rn", "Release notes https://a.example/rn"},
		{"HISTORY", "https://a.example/h", "Changelog https://a.example/h"},
		{"Source Code", "https://gitlab.com/grp/proj", "Releases https://gitlab.com/grp/proj/-/releases"},
		{"Repository", "https://codeberg.org/o/r/", "Releases https://codeberg.org/o/r/releases"},
		{"Source", "https://git.example/o/r", ""},
		{"Documentation", "https://docs.example/", ""},
		{"GitHub", "https://github.com/solo", ""},
	}
	for _, tt := range tests {
		got := ChangelogLinks([]Link{{tt.label, tt.url}})
		s := ""
		if len(got) == 1 {
			s = got[0].Label + " " + got[0].URL
		}
		if s != tt.want || len(got) > 1 {
			t.Errorf("%q %s: got %v, want %q", tt.label, tt.url, got, tt.want)
		}
	}
}

func FuzzParseMetadata(f *testing.F) {
	f.Add([]byte("Name: x\nVersion: 1\nProject-URL: Changelog, https://x.example/c\nRequires-Dist: a; extra == \"b\"\n"))
	f.Add([]byte("Project-URL: Source, https://github.com/o/r\nHome-page: http://h.example\n\nbody"))
	f.Add([]byte("Requires-Dist: a (>=1,<2)\n continued\nProject-URL: ,\n"))
	f.Add([]byte(":\n\x00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := ParseMetadata(data)
		for _, l := range append(m.Links, ChangelogLinks(m.Links)...) {
			if !strings.HasPrefix(l.URL, "http://") && !strings.HasPrefix(l.URL, "https://") {
				t.Fatalf("link %q is not http(s)", l.URL)
			}
			if strings.ContainsAny(l.URL, " ()<>[]\n") {
				t.Fatalf("link %q could break out of markdown", l.URL)
			}
		}
	})
}
