package vulnwatch

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/vuln"
)

// githubIssues is the part of GitHub's issues API the tracker uses: list
// open issues, open one, comment on one. It checks each request.
type githubIssues struct {
	t        *testing.T
	mu       sync.Mutex
	issues   []map[string]any
	comments int
}

func (g *githubIssues) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer tok" {
		g.t.Errorf("%s %s without the token", r.Method, r.URL)
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/repos/acme/shop/issues":
		if r.URL.Query().Get("state") != "open" {
			g.t.Errorf("issue search without state=open: %s", r.URL)
		}
		json.NewEncoder(w).Encode(g.issues)
	case r.Method == http.MethodPost && r.URL.Path == "/repos/acme/shop/issues":
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		if !strings.Contains(in["body"].(string), "GHSA-j8r2-6x86-q33q") || !strings.Contains(in["body"].(string), "git commit: `4f2a9c1`") {
			g.t.Errorf("issue body lacks the advisory or the build metadata:\n%s", in["body"])
		}
		n := len(g.issues) + 1
		in["number"], in["html_url"] = n, "https://github.test/acme/shop/issues/"+string(rune('0'+n))
		g.issues = append(g.issues, in)
		json.NewEncoder(w).Encode(in)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/comments"):
		g.comments++
		io.WriteString(w, `{"html_url": "https://github.test/acme/shop/issues/1#c"}`)
	default:
		g.t.Errorf("unexpected %s %s", r.Method, r.URL)
		http.Error(w, "no", http.StatusNotFound)
	}
}

// hooks receives webhook deliveries.
type hooks struct {
	mu     sync.Mutex
	events []notify.Event
}

func (h *hooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ev notify.Event
	json.NewDecoder(r.Body).Decode(&ev)
	h.mu.Lock()
	h.events = append(h.events, ev)
	h.mu.Unlock()
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(dst), 0o755)
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNewAdvisoryNotifiesOnce: a running release gets a new advisory →
// one notification and one issue; the next pass → nothing; the same
// vulnerability arriving later under another id (the PYSEC alias of the
// GHSA) → nothing; and the state survives a restart.
func TestNewAdvisoryNotifiesOnce(t *testing.T) {
	testdata := filepath.Join("..", "vuln", "testdata", "osv")
	db := t.TempDir()
	copyFile(t, filepath.Join(testdata, "pypa", "jinja2", "PYSEC-2021-66.yaml"), filepath.Join(db, "PYSEC-2021-66.yaml"))

	gh := &githubIssues{t: t}
	ghSrv := httptest.NewServer(gh)
	t.Cleanup(ghSrv.Close)
	tracker, err := notify.NewGitHub("acme/shop", "tok", notify.WithBaseURL(ghSrv.URL), notify.WithGitHubClient(ghSrv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	hk := &hooks{}
	hookSrv := httptest.NewServer(hk)
	t.Cleanup(hookSrv.Close)
	webhook, err := notify.NewWebhook(hookSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	running := Release{ID: "shop-7", Service: "shop", Digest: "sha256:" + strings.Repeat("ab", 32),
		Info:     attest.BuildInfo{Service: "shop", Version: "1.4.0", GitCommit: "4f2a9c1"},
		Packages: []vuln.Located{{Package: vuln.Package{Ecosystem: vuln.PyPI, Name: "requests", Version: "2.30.0"}, At: vuln.Location{File: "uv.lock", Line: 40}}}}
	statePath := filepath.Join(t.TempDir(), "vulnwatch.json")
	newWatcher := func() *Watcher {
		st, err := LoadState(statePath)
		if err != nil {
			t.Fatal(err)
		}
		return &Watcher{
			Source:   func(context.Context) (vuln.Source, error) { return vuln.Load(db) },
			Releases: func(context.Context) ([]Release, error) { return []Release{running}, nil },
			State:    st, Notifier: webhook, Tracker: tracker,
			Now: func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) },
		}
	}
	w := newWatcher()
	ctx := context.Background()
	if hits, err := w.Pass(ctx); err != nil || len(hits) != 0 {
		t.Fatalf("pass 1 (no advisory for requests yet): %d hits, %v", len(hits), err)
	}

	// The database is refreshed: GitHub's advisory for requests arrives.
	copyFile(t, filepath.Join(testdata, "ghsa", "GHSA-j8r2-6x86-q33q.json"), filepath.Join(db, "GHSA-j8r2-6x86-q33q.json"))
	hits, err := w.Pass(ctx)
	if err != nil || len(hits) != 1 || len(hits[0].Findings) != 1 || hits[0].Issue == "" {
		t.Fatalf("pass 2: %+v, %v; want one hit with its issue", hits, err)
	}
	if len(gh.issues) != 1 || len(hk.events) != 1 {
		t.Fatalf("pass 2: %d issues, %d notifications; want 1 and 1", len(gh.issues), len(hk.events))
	}
	ev := hk.events[0]
	if ev.Type != notify.VulnerabilityFound || ev.Release.ID != "shop-7" || ev.Release.Build.GitCommit != "4f2a9c1" ||
		!strings.Contains(ev.Reason, "GHSA-j8r2-6x86-q33q (requests 2.30.0, MEDIUM)") || ev.Link != hits[0].Issue {
		t.Errorf("notification = %+v", ev)
	}

	// Pass 3, and pass 4 after a restart with PyPA's alias of the same
	// vulnerability added: nothing new.
	if hits, err := w.Pass(ctx); err != nil || len(hits) != 0 {
		t.Fatalf("pass 3: %d hits, %v; want none", len(hits), err)
	}
	copyFile(t, filepath.Join(testdata, "pypa", "requests", "PYSEC-2023-74.yaml"), filepath.Join(db, "PYSEC-2023-74.yaml"))
	if hits, err := newWatcher().Pass(ctx); err != nil || len(hits) != 0 {
		t.Fatalf("pass 4 (restarted, alias record added): %d hits, %v; want none", len(hits), err)
	}
	if len(gh.issues) != 1 || gh.comments != 0 || len(hk.events) != 1 {
		t.Errorf("after 4 passes: %d issues, %d comments, %d notifications; want 1, 0, 1", len(gh.issues), gh.comments, len(hk.events))
	}
}

// A failed delivery is tried again on the next pass.
func TestFailedIssueIsRetried(t *testing.T) {
	fail := true
	var filed int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet:
			io.WriteString(w, "[]")
		case fail:
			http.Error(w, "unavailable", http.StatusUnprocessableEntity)
		default:
			filed++
			io.WriteString(w, `{"number": 1, "html_url": "https://github.test/i/1"}`)
		}
	}))
	t.Cleanup(srv.Close)
	tracker, _ := notify.NewGitHub("acme/shop", "tok", notify.WithBaseURL(srv.URL), notify.WithGitHubClient(srv.Client()))
	st, _ := LoadState("")
	w := &Watcher{
		Source: func(context.Context) (vuln.Source, error) {
			return vuln.Load(filepath.Join("..", "vuln", "testdata", "osv", "ghsa"))
		},
		Releases: func(context.Context) ([]Release, error) {
			return []Release{{ID: "shop-7", Service: "shop", Digest: "sha256:1",
				Packages: []vuln.Located{{Package: vuln.Package{Ecosystem: vuln.PyPI, Name: "requests", Version: "2.30.0"}}}}}, nil
		},
		State: st, Tracker: tracker,
	}
	if _, err := w.Pass(context.Background()); err == nil {
		t.Fatal("pass with a failing tracker: no error")
	}
	fail = false
	if hits, err := w.Pass(context.Background()); err != nil || len(hits) != 1 || filed != 1 {
		t.Fatalf("retry: %d hits, %d filed, %v; want 1 and 1", len(hits), filed, err)
	}
}
