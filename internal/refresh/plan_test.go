package refresh

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pyindex"
	"pinwheel.dev/pinwheel/internal/pyindex/localindex"
	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

// wheelSpec is one wheel a test index serves.
type wheelSpec struct {
	name, version, requiresPython, metadata, yanked string
}

// serveIndex writes the wheels into a wheelhouse and serves it with the
// real local index (PEP 691 JSON, PEP 658 metadata, PEP 592 yanked files).
func serveIndex(t testing.TB, wheels []wheelSpec, opts ...localindex.Option) *url.URL {
	t.Helper()
	dir := t.TempDir()
	for _, w := range wheels {
		p := wheeltest.Write(t, dir, wheeltest.Wheel{Name: w.name, Version: w.version, RequiresPython: w.requiresPython,
			Metadata: w.metadata, Files: map[string]string{strings.ReplaceAll(w.name, "-", "_") + ".py": ""}})
		if w.yanked != "" {
			if err := os.WriteFile(p+".yanked", []byte(w.yanked), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	srv := httptest.NewServer(localindex.New(dir, opts...))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL + "/simple/")
	return u
}

func newClient(t testing.TB) *pyindex.Client {
	t.Helper()
	c, err := pyindex.New(pyindex.WithIndexURL(""), pyindex.WithNetrc(""), pyindex.WithCacheDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func reg(name, version, index string) lock.Package {
	return lock.Package{Name: name, Version: version, Source: lock.Source{Kind: lock.SourceRegistry, URL: index}, Direct: true}
}

const requestsMeta = `Requires-Dist: idna
Requires-Dist: charset-normalizer
Requires-Dist: PySocks; extra == "socks"
Project-URL: Changelog, https://requests.example/en/latest/community/updates/
Project-URL: Source, https://github.com/psf/requests
Project-URL: Documentation, https://requests.example/`

func fixture(t *testing.T) (*lock.Lock, []*url.URL) {
	a := serveIndex(t, []wheelSpec{
		{name: "requests", version: "2.31.0", metadata: "Requires-Dist: idna"},
		{name: "requests", version: "2.32.0", metadata: "Requires-Dist: idna"},
		{name: "requests", version: "2.32.3", metadata: requestsMeta},
		{name: "requests", version: "3.0.0", metadata: requestsMeta, yanked: "broke auth"},
		{name: "requests", version: "3.1.0rc1", metadata: requestsMeta},
		{name: "certifi", version: "2024.7.4"},
		{name: "certifi", version: "2025.1.31", metadata: "Project-URL: Release Notes, https://certifi.example/news"},
		{name: "django", version: "4.2.0"},
		{name: "django", version: "5.0.0"},
		{name: "django", version: "5.1.0"},
		{name: "flask", version: "2.0.0", yanked: "security hole"},
		{name: "flask", version: "2.0.1", requiresPython: ">=3.12"},
		{name: "flask", version: "2.0.2", requiresPython: ">=3.8"},
		{name: "tomli", version: "2.0.1"},
		{name: "beta", version: "1.0b1"},
		{name: "beta", version: "1.0b2"},
		{name: "attrs", version: "23.1.0"},
		{name: "boto3", version: "1.0.0"},
		{name: "boto3", version: "1.1.0"},
	})
	b := serveIndex(t, []wheelSpec{{name: "attrs", version: "24.0.0"}})
	l := &lock.Lock{Format: lock.FormatUV, Path: "uv.lock", Packages: []lock.Package{
		reg("attrs", "23.1.0", a.String()),
		reg("beta", "1.0b1", a.String()),
		reg("boto3", "1.0.0", a.String()),
		reg("certifi", "2024.7.4", ""),
		reg("django", "4.2.0", a.String()),
		reg("flask", "2.0.0", a.String()),
		{Name: "mylib", Source: lock.Source{Kind: lock.SourceGit, URL: "https://git.example/mylib", Commit: "abc"}},
		reg("requests", "2.31.0", a.String()),
		reg("tomli", "2.0.1", a.String()),
	}}
	return l, []*url.URL{a, b}
}

func TestPlanAgainstALocalIndex(t *testing.T) {
	l, indexes := fixture(t)
	cfg := config.Refresh{
		Groups: []config.RefreshGroup{{Name: "web", Packages: []string{"flask", "djan*"}}},
		Ignore: []config.RefreshIgnore{{Name: "django", Specifier: ">=5.1"}, {Name: "boto3"}},
	}
	p, err := Make(context.Background(), newClient(t), Input{Lock: l, Packages: l.Packages, Indexes: indexes, Python: "3.11", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Update{}
	for _, u := range p.Updates {
		got[u.Package] = u
	}
	type want struct {
		to, level, risk, group, labels string
	}
	wants := map[string]want{
		"requests": {"2.32.3", "minor", "medium", "minor", "minor,new-dependency"},
		"certifi":  {"2025.1.31", "minor", "medium", "minor", "minor"}, // CalVer: a new year is not major
		"django":   {"5.0.0", "major", "high", "web", "major"},
		"flask":    {"2.0.2", "patch", "low", "web", "patch,yanked"},
		"beta":     {"1.0b2", "pre-release", "medium", "pre-release", "pre-release"},
		"attrs":    {"24.0.0", "major", "high", "major", "major,new-index"},
	}
	for name, w := range wants {
		u, ok := got[name]
		if !ok {
			t.Errorf("%s: no update proposed", name)
			continue
		}
		if u.To != w.to || string(u.Level) != w.level || string(u.Risk) != w.risk || u.Group != w.group || strings.Join(u.Labels, ",") != w.labels {
			t.Errorf("%s: got to=%s level=%s risk=%s group=%s labels=%v, want %+v", name, u.To, u.Level, u.Risk, u.Group, u.Labels, w)
		}
	}
	if len(p.Updates) != len(wants) {
		t.Errorf("updates %d, want %d: %+v", len(p.Updates), len(wants), p.Updates)
	}
	rq := got["requests"]
	if !slices.Equal(rq.Changelog.Releases, []string{"2.32.0", "2.32.3"}) {
		t.Errorf("requests releases %v", rq.Changelog.Releases)
	}
	if !slices.Equal(rq.NewDependencies, []string{"charset-normalizer"}) {
		t.Errorf("requests new dependencies %v (PySocks is only for an extra)", rq.NewDependencies)
	}
	wantLinks := []Link{{"Changelog", "https://requests.example/en/latest/community/updates/"}, {"Releases", "https://github.com/psf/requests/releases"}}
	if !slices.Equal(rq.Changelog.Links, wantLinks) {
		t.Errorf("requests links %v", rq.Changelog.Links)
	}
	if !slices.Contains(rq.Skipped, Skipped{"3.0.0", "yanked: broke auth"}) || len(rq.Skipped) != 1 {
		t.Errorf("requests skipped %v (3.0.0 yanked; 3.1.0rc1 is a pre-release and not mentioned)", rq.Skipped)
	}
	if c := got["certifi"]; !slices.Equal(c.Changelog.Links, []Link{{"Release notes", "https://certifi.example/news"}}) {
		t.Errorf("certifi links %v", c.Changelog.Links)
	}
	if d := got["django"]; !slices.Equal(d.Skipped, []Skipped{{"5.1.0", "ignored (refresh.ignore django>=5.1)"}}) {
		t.Errorf("django skipped %v", d.Skipped)
	}
	f := got["flask"]
	if !f.LockedYanked || f.YankedReason != "security hole" || !slices.Equal(f.Skipped, []Skipped{{"2.0.1", "requires another Python than 3.11"}}) {
		t.Errorf("flask %+v", f)
	}
	if a := got["attrs"]; a.Index != indexes[1].String() || a.LockedIndex != indexes[0].String() {
		t.Errorf("attrs index %s locked %s", a.Index, a.LockedIndex)
	}
	notes := map[string]string{}
	for _, n := range p.Notes {
		notes[n.Package] = n.Message
	}
	if !strings.Contains(notes["mylib"], "not from an index") || !strings.Contains(notes["boto3"], "ignored") || len(notes) != 2 {
		t.Errorf("notes %v", p.Notes)
	}
	if p.Checked != 9 || p.Current != 3 {
		t.Errorf("checked %d current %d", p.Checked, p.Current)
	}
	var groups []string
	for _, g := range p.Groups {
		groups = append(groups, g.Name+"="+strings.Join(g.Packages, "+")+"/"+string(g.Risk))
	}
	if strings.Join(groups, " ") != "web=django+flask/high major=attrs/high pre-release=beta/medium minor=certifi+requests/medium" {
		t.Errorf("groups %v", groups)
	}
	if labels := p.Labels([]string{"dependencies"}); strings.Join(labels, ",") != "dependencies,risk:high,major,new-index,pre-release,minor,patch,yanked,new-dependency" {
		t.Errorf("PR labels %v", labels)
	}
}

func TestPrereleasesWhenConfigured(t *testing.T) {
	l, indexes := fixture(t)
	pkgs := []lock.Package{l.Packages[7]} // requests
	p, err := Make(context.Background(), newClient(t), Input{Lock: l, Packages: pkgs, Indexes: indexes, Config: config.Refresh{Prereleases: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Updates) != 1 || p.Updates[0].To != "3.1.0rc1" || p.Updates[0].Level != lock.LevelPrerelease {
		t.Errorf("updates %+v", p.Updates)
	}
}

func TestIndexFailureIsANoteNotAPlanFailure(t *testing.T) {
	l := &lock.Lock{Format: lock.FormatUV, Path: "uv.lock", Packages: []lock.Package{reg("requests", "2.31.0", "")}}
	dead, _ := url.Parse("http://127.0.0.1:1/simple/")
	p, err := Make(context.Background(), newClient(t), Input{Lock: l, Packages: l.Packages, Indexes: []*url.URL{dead}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0].Message, "127.0.0.1:1") || len(p.Updates) != 0 {
		t.Errorf("plan %+v", p)
	}
}

// An index that speaks only PEP 503 HTML behind basic auth: the same plan
// comes out of the HTML fallback (data-yanked, data-core-metadata), the
// credentials in the index URL are used and never shown.
func TestPlanFromHTMLIndexWithCredentials(t *testing.T) {
	u := serveIndex(t, []wheelSpec{
		{name: "requests", version: "2.31.0", metadata: "Requires-Dist: idna"},
		{name: "requests", version: "2.32.3", metadata: requestsMeta},
		{name: "requests", version: "2.33.0", yanked: "oops"},
		{name: "six", version: "1.16.0", yanked: "do not use"},
	}, localindex.WithHTMLOnly(), localindex.WithBasicAuth("ci", "s3cret"))
	u.User = url.UserPassword("ci", "s3cret")
	l := &lock.Lock{Format: lock.FormatUV, Path: "uv.lock", Packages: []lock.Package{reg("requests", "2.31.0", ""), reg("six", "1.16.0", "")}}
	// As the CLI does: the client knows the index, so files on its host
	// (the metadata) get its credentials too.
	c, err := pyindex.New(pyindex.WithIndexURL(u.String()), pyindex.WithNetrc(""), pyindex.WithCacheDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Make(context.Background(), c, Input{Lock: l, Packages: l.Packages, Indexes: []*url.URL{u}, Python: "3.11"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Updates) != 1 {
		t.Fatalf("updates %+v notes %+v", p.Updates, p.Notes)
	}
	up := p.Updates[0]
	if up.To != "2.32.3" || !slices.Equal(up.NewDependencies, []string{"charset-normalizer"}) || len(up.Changelog.Links) != 2 ||
		!slices.Equal(up.Skipped, []Skipped{{"2.33.0", "yanked: oops"}}) {
		t.Errorf("update %+v", up)
	}
	if strings.Contains(up.Index, "s3cret") || !strings.Contains(up.Index, "ci:xxxxx@") {
		t.Errorf("index shown as %q", up.Index)
	}
	if len(p.Notes) != 1 || p.Notes[0].Package != "six" || !strings.Contains(p.Notes[0].Message, "the locked version 1.16.0 is yanked (do not use) and there is no newer version") {
		t.Errorf("notes %+v", p.Notes)
	}
}
