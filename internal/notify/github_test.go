package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// githubAPI is a stand-in for the three GitHub REST endpoints the tracker
// uses, on a real local server; it checks every request's headers.
type githubAPI struct {
	t      *testing.T
	prefix string // "" for github.com, "/api/v3" for GitHub Enterprise
	open   []map[string]any

	mu    sync.Mutex
	calls []string // "METHOD path?query"
	posts []map[string]any
}

func newGitHubAPI(t *testing.T, prefix string, open ...map[string]any) (*githubAPI, *httptest.Server) {
	api := &githubAPI{t: t, prefix: prefix, open: open}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, srv
}

func (g *githubAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls = append(g.calls, r.Method+" "+r.URL.RequestURI())
	for h, want := range map[string]string{
		"Authorization":        "Bearer t0ken",
		"Accept":               "application/vnd.github+json",
		"X-GitHub-Api-Version": "2022-11-28",
	} {
		if got := r.Header.Get(h); got != want {
			g.t.Errorf("%s %s: header %s = %q, want %q", r.Method, r.URL.Path, h, got, want)
		}
	}
	repo := g.prefix + "/repos/acme/hello"
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == "GET" && r.URL.Path == repo+"/issues":
		json.NewEncoder(w).Encode(g.open)
	case r.Method == "POST" && r.URL.Path == repo+"/issues":
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			g.t.Errorf("create issue: body is not JSON: %v", err)
		}
		g.posts = append(g.posts, body)
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(map[string]any{"number": 12, "html_url": "https://github.example/acme/hello/issues/12"})
	case r.Method == "POST" && strings.HasPrefix(r.URL.Path, repo+"/issues/") && strings.HasSuffix(r.URL.Path, "/comments"):
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		g.posts = append(g.posts, body)
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(map[string]any{"html_url": "https://github.example/acme/hello/issues/5#issuecomment-1"})
	default:
		w.WriteHeader(404)
		w.Write([]byte(`{"message":"Not Found"}`))
	}
}

func TestGitHubOpensIssue(t *testing.T) {
	tests := []struct{ name, prefix string }{
		{name: "github_com", prefix: ""},
		{name: "enterprise_api_v3", prefix: "/api/v3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, srv := newGitHubAPI(t, tt.prefix)
			gh, err := NewGitHub("acme/hello", "t0ken", WithBaseURL(srv.URL+tt.prefix+"/"), WithLabels("pinwheel", "rollback"))
			if err != nil {
				t.Fatal(err)
			}
			filed, err := gh.File(context.Background(), Issue{Title: "pinwheel: automatic rollback of hello-2 (hello)", Body: "report", Labels: []string{"sev2", "pinwheel"}})
			if err != nil {
				t.Fatal(err)
			}
			if filed.Location != "https://github.example/acme/hello/issues/12" || filed.Number != 12 || filed.Commented {
				t.Errorf("filed = %+v", filed)
			}
			wantCalls := []string{
				"GET " + tt.prefix + "/repos/acme/hello/issues?labels=pinwheel%2Crollback%2Csev2&per_page=100&state=open",
				"POST " + tt.prefix + "/repos/acme/hello/issues",
			}
			if strings.Join(api.calls, "\n") != strings.Join(wantCalls, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(api.calls, "\n"), strings.Join(wantCalls, "\n"))
			}
			b, _ := json.Marshal(api.posts[0])
			if string(b) != `{"body":"report","labels":["pinwheel","rollback","sev2"],"title":"pinwheel: automatic rollback of hello-2 (hello)"}` {
				t.Errorf("issue body %s", b)
			}
		})
	}
}

func TestGitHubCommentsOnOpenIssueWithSameTitle(t *testing.T) {
	title := "pinwheel: automatic rollback of hello-2 (hello)"
	api, srv := newGitHubAPI(t, "",
		map[string]any{"number": 4, "title": title, "html_url": "https://github.example/acme/hello/pull/4", "pull_request": map[string]any{"url": "x"}},
		map[string]any{"number": 3, "title": "something else", "html_url": "https://github.example/acme/hello/issues/3"},
		map[string]any{"number": 5, "title": title, "html_url": "https://github.example/acme/hello/issues/5"},
	)
	gh, _ := NewGitHub("acme/hello", "t0ken", WithBaseURL(srv.URL))
	filed, err := gh.File(context.Background(), Issue{Title: title, Body: "again"})
	if err != nil {
		t.Fatal(err)
	}
	if !filed.Commented || filed.Number != 5 || filed.Location != "https://github.example/acme/hello/issues/5#issuecomment-1" {
		t.Errorf("filed = %+v", filed)
	}
	if got := api.calls[len(api.calls)-1]; got != "POST /repos/acme/hello/issues/5/comments" {
		t.Errorf("last call %q", got)
	}
	if b, _ := json.Marshal(api.posts[0]); string(b) != `{"body":"again"}` {
		t.Errorf("comment body %s", b)
	}
}

func TestGitHubErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		w.Write([]byte(`{"message":"Bad credentials"}`))
	}))
	defer srv.Close()
	gh, _ := NewGitHub("acme/hello", "t0ken", WithBaseURL(srv.URL))
	_, err := gh.File(context.Background(), Issue{Title: "x", Body: "y"})
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 401 || !strings.Contains(err.Error(), "Bad credentials") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "t0ken") {
		t.Fatal("error leaks the token")
	}
	for name, repo := range map[string]string{"no_owner": "hello", "slashes": "a/b/c", "empty": ""} {
		if _, err := NewGitHub(repo, "t"); err == nil {
			t.Errorf("%s: NewGitHub(%q) accepted", name, repo)
		}
	}
	if _, err := NewGitHub("a/b", ""); err == nil {
		t.Error("empty token accepted")
	}
}

func TestFallbackWritesFileWhenGitHubFails(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }))
	defer srv.Close()
	gh, _ := NewGitHub("acme/hello", "t0ken", WithBaseURL(srv.URL))
	dir := t.TempDir()
	filed, err := Fallback(gh, FileTracker{Dir: dir}).File(context.Background(), Issue{Title: "t", Body: "b", Key: "hello-2", At: t0})
	if err != nil {
		t.Fatal(err)
	}
	if filed.Fallback == nil || !strings.HasPrefix(filed.Location, dir) {
		t.Fatalf("filed = %+v", filed)
	}
}

func TestRetryingTrackerRetriesGitHub5xx(t *testing.T) {
	var mu sync.Mutex
	creates := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Method == "GET" {
			w.Write([]byte("[]"))
			return
		}
		creates++
		if creates == 1 {
			w.WriteHeader(502)
			return
		}
		w.WriteHeader(201)
		w.Write([]byte(`{"number": 9, "html_url": "https://github.example/acme/hello/issues/9"}`))
	}))
	defer srv.Close()
	gh, _ := NewGitHub("acme/hello", "t0ken", WithBaseURL(srv.URL))
	var s noSleep
	filed, err := RetryingTracker(gh, WithSleeper(s.sleep), WithJitter(noJitter)).File(context.Background(), Issue{Title: "t", Body: "b"})
	if err != nil || filed.Number != 9 || creates != 2 || len(s.delays) != 1 {
		t.Fatalf("filed %+v, err %v, creates %d, waits %v", filed, err, creates, s.delays)
	}
	// 4xx is not retried.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(422) }))
	defer bad.Close()
	gh, _ = NewGitHub("acme/hello", "t0ken", WithBaseURL(bad.URL))
	s = noSleep{}
	if _, err := RetryingTracker(gh, WithSleeper(s.sleep)).File(context.Background(), Issue{Title: "t"}); err == nil || len(s.delays) != 0 {
		t.Fatalf("err %v after %d waits; want an error and no retry", err, len(s.delays))
	}
}
