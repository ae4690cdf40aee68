package pyindex

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"pinwheel.dev/pinwheel/internal/pyindex/localindex"
	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

// wheelhouse builds a directory with two small wheels and a yanked one.
func wheelhouse(t *testing.T) (dir string, wants map[string]Want) {
	t.Helper()
	dir = t.TempDir()
	wants = map[string]Want{}
	for _, w := range []wheeltest.Wheel{
		{Name: "alpha", Version: "1.0", Files: map[string]string{"alpha/__init__.py": "A = 1\n"}, RequiresPython: ">=3.8"},
		{Name: "beta-pkg", Version: "2.0", Files: map[string]string{"beta_pkg/__init__.py": "B = 2\n"}},
		{Name: "gamma", Version: "0.1", Files: map[string]string{"gamma.py": "G = 3\n"}},
	} {
		p := wheeltest.Write(t, dir, w)
		wants[w.Name] = Want{Package: w.Name, Version: w.Version, Filename: filepath.Base(p),
			Hashes: map[string]string{"sha256": wheeltest.SHA256(t, p)}}
	}
	if err := os.WriteFile(filepath.Join(dir, wants["gamma"].Filename+".yanked"), []byte("broken build"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, wants
}

// countingServer serves h and counts requests.
func countingServer(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func newClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithCacheDir(t.TempDir()), WithNetrc(""), WithIndexURL("")}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFetchFromIndexThenCache(t *testing.T) {
	dir, wants := wheelhouse(t)
	for _, mode := range []struct {
		name string
		opts []localindex.Option
	}{{"json", nil}, {"html", []localindex.Option{localindex.WithHTMLOnly()}}} {
		t.Run(mode.name, func(t *testing.T) {
			srv, requests := countingServer(t, localindex.New(dir, mode.opts...))
			c := newClient(t, WithIndexURL(srv.URL+"/simple/"), WithConcurrency(2))
			list := []Want{wants["alpha"], wants["beta-pkg"], wants["gamma"]}
			got, err := c.Fetch(context.Background(), list)
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range got {
				if f.Want.Filename != list[i].Filename || f.SHA256 != list[i].Hashes["sha256"] {
					t.Errorf("result %d = %s %s, want %s %s", i, f.Want.Filename, f.SHA256, list[i].Filename, list[i].Hashes["sha256"])
				}
				if !strings.HasPrefix(f.Source, "index ") || f.CacheHit {
					t.Errorf("%s: source %q cacheHit %v, want index, not cached", f.Want.Filename, f.Source, f.CacheHit)
				}
				if f.Path != c.Cache().Path(f.SHA256) {
					t.Errorf("%s stored at %s, want content address", f.Want.Filename, f.Path)
				}
			}
			if !got[2].Yanked || got[2].YankedReason != "broken build" {
				t.Errorf("gamma yanked=%v reason=%q, want yanked with reason", got[2].Yanked, got[2].YankedReason)
			}
			before := requests.Load()
			again, err := c.Fetch(context.Background(), list)
			if err != nil {
				t.Fatal(err)
			}
			if hits := CacheHits(again); hits != 3 {
				t.Errorf("second fetch cache hits = %d, want 3", hits)
			}
			if requests.Load() != before {
				t.Errorf("second fetch made %d requests, want 0", requests.Load()-before)
			}
		})
	}
}

func TestProjectPageJSONAndHTMLAgree(t *testing.T) {
	dir, _ := wheelhouse(t)
	pages := map[string]*ProjectPage{}
	for name, opts := range map[string][]localindex.Option{"json": nil, "html": {localindex.WithHTMLOnly()}} {
		srv, _ := countingServer(t, localindex.New(dir, opts...))
		c := newClient(t)
		idx, _ := url.Parse(srv.URL + "/simple/")
		page, err := c.ProjectPage(context.Background(), idx, "Alpha")
		if err != nil {
			t.Fatal(err)
		}
		for i := range page.Files {
			page.Files[i].URL = strings.TrimPrefix(page.Files[i].URL, srv.URL)
		}
		pages[name] = page
	}
	j, h := pages["json"].Files, pages["html"].Files
	if len(j) != 1 || len(h) != 1 {
		t.Fatalf("files json=%d html=%d, want 1 each", len(j), len(h))
	}
	if j[0].URL != h[0].URL || j[0].Hashes["sha256"] != h[0].Hashes["sha256"] || j[0].RequiresPython != ">=3.8" || h[0].RequiresPython != ">=3.8" {
		t.Errorf("json %+v\nhtml %+v", j[0], h[0])
	}
	if !j[0].CoreMetadata || !h[0].CoreMetadata {
		t.Error("PEP 658 metadata not advertised")
	}
}

func TestFetchAuth(t *testing.T) {
	dir, wants := wheelhouse(t)
	srv, _ := countingServer(t, localindex.New(dir, localindex.WithBasicAuth("ci", "tok3n")))
	u, _ := url.Parse(srv.URL)
	netrc := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(netrc, []byte("machine "+u.Hostname()+" login ci password tok3n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		opts    []Option
		wantErr string
	}{
		{"no_credentials", []Option{WithIndexURL(srv.URL + "/simple/")}, "401"},
		{"wrong_password", []Option{WithIndexURL("http://ci:nope@" + u.Host + "/simple/")}, "401"},
		{"url_userinfo", []Option{WithIndexURL("http://ci:tok3n@" + u.Host + "/simple/")}, ""},
		{"netrc", []Option{WithIndexURL(srv.URL + "/simple/"), WithNetrc(netrc)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, tt.opts...)
			_, err := c.Fetch(context.Background(), []Want{wants["alpha"]})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "nope") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

func TestFetchHashMismatch(t *testing.T) {
	dir, wants := wheelhouse(t)
	srv, _ := countingServer(t, localindex.New(dir))
	c := newClient(t, WithIndexURL(srv.URL+"/simple/"))
	w := wants["alpha"]
	actual := w.Hashes["sha256"]
	bogus := strings.Repeat("0", 64)
	w.Hashes = map[string]string{"sha256": bogus}
	_, err := c.Fetch(context.Background(), []Want{w})
	var mm *HashMismatchError
	if !errors.As(err, &mm) {
		t.Fatalf("err = %v, want HashMismatchError", err)
	}
	for _, part := range []string{"alpha", w.Filename, bogus, actual} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not name %q", err, part)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(c.Cache().Dir(), "sha256"))
	if len(entries) != 0 {
		t.Errorf("cache holds %d entries after a mismatch, want none", len(entries))
	}
}

func TestFetchUnhashed(t *testing.T) {
	dir, wants := wheelhouse(t)
	w := wants["beta-pkg"]
	want := w.Hashes["sha256"]
	w.Hashes = map[string]string{"md5": "ignored-as-too-weak"}
	_, err := newClient(t, WithFindLinks(dir)).Fetch(context.Background(), []Want{w})
	var ue *UnhashedError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--allow-unhashed") {
		t.Fatalf("err = %v, want UnhashedError suggesting --allow-unhashed", err)
	}
	w.Hashes = nil
	got, err := newClient(t, WithFindLinks(dir), WithAllowUnhashed(true)).Fetch(context.Background(), []Want{w})
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].Unhashed || got[0].SHA256 != want {
		t.Errorf("unhashed=%v sha256=%s, want recorded %s", got[0].Unhashed, got[0].SHA256, want)
	}
}

func TestFetchSources(t *testing.T) {
	dir, wants := wheelhouse(t)
	full, _ := countingServer(t, localindex.New(dir))
	emptyDir := t.TempDir()
	empty, _ := countingServer(t, localindex.New(emptyDir))
	alpha := wants["alpha"]
	withURL := alpha
	withURL.URL = full.URL + "/files/" + alpha.Filename
	withPath := alpha
	withPath.Path = filepath.Join(dir, alpha.Filename)
	tests := []struct {
		name       string
		opts       []Option
		want       Want
		wantSource string
	}{
		{"find_links_only", []Option{WithFindLinks(emptyDir, dir)}, alpha, "find-links " + dir},
		{"find_links_before_index", []Option{WithFindLinks(dir), WithIndexURL(full.URL + "/simple/")}, alpha, "find-links " + dir},
		{"lock_url", nil, withURL, "url " + withURL.URL},
		{"lock_path", nil, withPath, "path " + withPath.Path},
		{"extra_index_after_primary_misses", []Option{WithIndexURL(empty.URL + "/simple/"), WithExtraIndexURLs(full.URL + "/simple/")}, alpha, "index " + full.URL + "/simple/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newClient(t, tt.opts...).Fetch(context.Background(), []Want{tt.want})
			if err != nil {
				t.Fatal(err)
			}
			if got[0].Source != tt.wantSource {
				t.Errorf("source = %q, want %q", got[0].Source, tt.wantSource)
			}
		})
	}
	t.Run("nowhere", func(t *testing.T) {
		_, err := newClient(t, WithFindLinks(emptyDir), WithIndexURL(empty.URL+"/simple/")).Fetch(context.Background(), []Want{alpha})
		if err == nil || !strings.Contains(err.Error(), "could not fetch "+alpha.Filename) || !strings.Contains(err.Error(), "find-links "+emptyDir) {
			t.Fatalf("err = %v, want a list of the sources tried", err)
		}
	})
}

func TestFetchBundledWheels(t *testing.T) {
	bundled := wheeltest.BundledWheels(t)
	var wants []Want
	for name, p := range bundled {
		wants = append(wants, Want{Package: name, Filename: filepath.Base(p), Hashes: map[string]string{"sha256": wheeltest.SHA256(t, p)}})
	}
	srv, _ := countingServer(t, localindex.New(filepath.Dir(bundled["pip"])))
	got, err := newClient(t, WithIndexURL(srv.URL+"/simple/")).Fetch(context.Background(), wants)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range got {
		st, err := os.Stat(f.Path)
		if err != nil || st.Size() != f.Size || f.SHA256 != wants[i].Hashes["sha256"] {
			t.Errorf("%s: cached %v size %d sha %s", wants[i].Filename, err, f.Size, f.SHA256)
		}
	}
}

func TestFetchRejectsMalformedLockHash(t *testing.T) {
	dir, wants := wheelhouse(t)
	w := wants["alpha"]
	w.Hashes = map[string]string{"sha256": "00"}
	_, err := newClient(t, WithFindLinks(dir)).Fetch(context.Background(), []Want{w})
	var ue *UnhashedError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want UnhashedError for a 1-byte sha256", err)
	}
}

// TestFetchIndexHashMismatch serves a project page whose hash fragment does
// not match the file: the transfer check must fail even though the lock has
// no opinion (AllowUnhashed).
func TestFetchIndexHashMismatch(t *testing.T) {
	dir, wants := wheelhouse(t)
	files := http.FileServer(http.Dir(dir))
	w := wants["alpha"]
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/simple/alpha/" {
			rw.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(rw, `<a href="/files/%s#sha256=%s">%s</a>`, w.Filename, strings.Repeat("ab", 32), w.Filename)
			return
		}
		http.StripPrefix("/files", files).ServeHTTP(rw, r)
	}))
	defer srv.Close()
	w.Hashes = nil
	_, err := newClient(t, WithIndexURL(srv.URL+"/simple/"), WithAllowUnhashed(true)).Fetch(context.Background(), []Want{w})
	var mm *HashMismatchError
	if !errors.As(err, &mm) || !strings.Contains(err.Error(), "(index hash)") {
		t.Fatalf("err = %v, want an index hash mismatch", err)
	}
}

func TestProgressSilentWhenNotTerminal(t *testing.T) {
	var buf strings.Builder
	p := newProgress(&buf, 2)
	p.done(Fetched{Size: 10})
	p.finish()
	if buf.Len() != 0 {
		t.Errorf("progress drew %q on a non-terminal", buf.String())
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p = newProgress(f, 1)
	p.done(Fetched{Size: 10})
	p.finish()
	if st, _ := f.Stat(); st.Size() != 0 {
		t.Errorf("progress drew %d bytes into a regular file", st.Size())
	}
}

func TestFetchRetriesTransientErrors(t *testing.T) {
	dir, wants := wheelhouse(t)
	inner := localindex.New(dir)
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if calls.Add(1)%2 == 1 { // every first try of a request fails
			http.Error(rw, "try later", http.StatusServiceUnavailable)
			return
		}
		inner.ServeHTTP(rw, r)
	}))
	defer srv.Close()
	got, err := newClient(t, WithIndexURL(srv.URL+"/simple/")).Fetch(context.Background(), []Want{wants["alpha"]})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].SHA256 != wants["alpha"].Hashes["sha256"] || calls.Load() != 4 {
		t.Errorf("sha %s after %d requests, want 4 (page and file, each retried once)", got[0].SHA256, calls.Load())
	}
}

func TestIndexOptionOrderDoesNotMatter(t *testing.T) {
	for name, opts := range map[string][]Option{
		"primary_first": {WithIndexURL("https://a.test/simple"), WithExtraIndexURLs("https://b.test/simple/")},
		"extras_first":  {WithExtraIndexURLs("https://b.test/simple/"), WithIndexURL("https://a.test/simple")},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := New(append([]Option{WithCacheDir(t.TempDir()), WithNetrc("")}, opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range c.indexes {
				got = append(got, u.String())
			}
			if strings.Join(got, " ") != "https://a.test/simple/ https://b.test/simple/" {
				t.Errorf("search order %v", got)
			}
		})
	}
	if _, err := New(WithCacheDir(t.TempDir()), WithIndexURL("ftp://x")); err == nil || !strings.Contains(err.Error(), "want an http(s) URL") {
		t.Errorf("ftp index accepted: %v", err)
	}
}

func TestFetchReportsEveryFailure(t *testing.T) {
	dir, wants := wheelhouse(t)
	missing := Want{Package: "absent", Filename: "absent-1.0-py3-none-any.whl", Hashes: map[string]string{"sha256": strings.Repeat("a", 64)}}
	bad := wants["beta-pkg"]
	bad.Hashes = map[string]string{"sha256": strings.Repeat("b", 64)}
	_, err := newClient(t, WithFindLinks(dir)).Fetch(context.Background(), []Want{missing, wants["alpha"], bad})
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	var mm *HashMismatchError
	if !strings.Contains(msg, "could not fetch absent-1.0-py3-none-any.whl") || !errors.As(err, &mm) || mm.Package != "beta-pkg" {
		t.Errorf("error does not name both failures:\n%s", msg)
	}
	if strings.Index(msg, "absent") > strings.Index(msg, "beta-pkg") {
		t.Errorf("failures not in want order:\n%s", msg)
	}
}
