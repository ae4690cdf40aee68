package ghpr

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// call is one request the fake GitHub expects, in order, and its answer.
type call struct {
	method, path string
	body         map[string]any // nil: no body expected
	status       int
	answer       string
}

// fakeGitHub serves exactly the calls given, in order, checking method,
// path (with query), the auth and API headers, and the JSON body.
func fakeGitHub(t *testing.T, token string, calls []call) *httptest.Server {
	t.Helper()
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n >= len(calls) {
			t.Errorf("unexpected request %s %s", r.Method, r.URL.RequestURI())
			http.Error(w, "unexpected", 500)
			return
		}
		c := calls[n]
		n++
		if r.Method != c.method || r.URL.RequestURI() != c.path {
			t.Errorf("request %d: %s %s, want %s %s", n, r.Method, r.URL.RequestURI(), c.method, c.path)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("request %d: Authorization %q", n, got)
		}
		if r.Header.Get("X-GitHub-Api-Version") != apiVersion || r.Header.Get("Accept") != "application/vnd.github+json" {
			t.Errorf("request %d: headers %v", n, r.Header)
		}
		data, _ := io.ReadAll(r.Body)
		if c.body == nil && len(data) > 0 {
			t.Errorf("request %d: unexpected body %s", n, data)
		}
		if c.body != nil {
			var got map[string]any
			if err := json.Unmarshal(data, &got); err != nil {
				t.Errorf("request %d: body %q: %v", n, data, err)
			}
			want, _ := json.Marshal(c.body)
			have, _ := json.Marshal(got)
			if string(want) != string(have) {
				t.Errorf("request %d %s %s body\n got %s\nwant %s", n, c.method, c.path, have, want)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(c.status)
		io.WriteString(w, c.answer)
	}))
	t.Cleanup(func() {
		srv.Close()
		if n != len(calls) {
			t.Errorf("GitHub got %d of %d expected requests", n, len(calls))
		}
	})
	return srv
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestOpenCreatesBranchCommitsOpensAndLabels(t *testing.T) {
	srv := fakeGitHub(t, "tok-123", []call{
		{"GET", "/api/v3/repos/acme/svc", nil, 200, `{"default_branch":"trunk"}`},
		{"GET", "/api/v3/repos/acme/svc/git/ref/heads/trunk", nil, 200, `{"object":{"sha":"abc123"}}`},
		{"POST", "/api/v3/repos/acme/svc/git/refs", map[string]any{"ref": "refs/heads/pinwheel/refresh-1", "sha": "abc123"}, 201, `{}`},
		{"GET", "/api/v3/repos/acme/svc/contents/uv.lock?ref=pinwheel%2Frefresh-1", nil, 200, `{"sha":"blob1"}`},
		{"PUT", "/api/v3/repos/acme/svc/contents/uv.lock", map[string]any{"message": "refresh", "content": b64("new lock"), "branch": "pinwheel/refresh-1", "sha": "blob1"}, 200, `{}`},
		{"GET", "/api/v3/repos/acme/svc/contents/sub%20dir/plan.md?ref=pinwheel%2Frefresh-1", nil, 404, `{"message":"Not Found"}`},
		{"PUT", "/api/v3/repos/acme/svc/contents/sub%20dir/plan.md", map[string]any{"message": "refresh", "content": b64("plan"), "branch": "pinwheel/refresh-1"}, 201, `{}`},
		{"POST", "/api/v3/repos/acme/svc/pulls", map[string]any{"title": "T", "head": "pinwheel/refresh-1", "base": "trunk", "body": "B"}, 201, `{"number":7,"html_url":"https://gh.example/acme/svc/pull/7"}`},
		{"POST", "/api/v3/repos/acme/svc/issues/7/labels", map[string]any{"labels": []string{"dependencies", "risk:high"}}, 200, `[]`},
	})
	c, err := New("acme/svc", "tok-123", srv.URL+"/api/v3/", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Open(context.Background(), Request{
		Branch: "pinwheel/refresh-1", Title: "T", Body: "B", Message: "refresh",
		Labels: []string{"dependencies", "risk:high"},
		Files:  []File{{Path: "uv.lock", Content: []byte("new lock")}, {Path: "sub dir/plan.md", Content: []byte("plan")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Number != 7 || got.URL != "https://gh.example/acme/svc/pull/7" || got.Base != "trunk" || got.Commits != 2 {
		t.Errorf("opened %+v", got)
	}
}

func TestOpenStopsAtAnExistingBranchWithoutLeakingTheToken(t *testing.T) {
	srv := fakeGitHub(t, "tok-secret", []call{
		{"GET", "/repos/acme/svc/git/ref/heads/main", nil, 200, `{"object":{"sha":"abc"}}`},
		{"POST", "/repos/acme/svc/git/refs", map[string]any{"ref": "refs/heads/b", "sha": "abc"}, 422, `{"message":"Reference already exists tok-secret"}`},
	})
	c, _ := New("acme/svc", "tok-secret", srv.URL, nil)
	_, err := c.Open(context.Background(), Request{Base: "main", Branch: "b", Files: []File{{Path: "x", Content: []byte("y")}}})
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 422 || !strings.Contains(err.Error(), "create branch b") || !strings.Contains(err.Error(), "Reference already exists") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "tok-secret") {
		t.Errorf("token in error: %v", err)
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	for _, tc := range []struct{ repo, token, base, want string }{
		{"acme", "t", "", "expected owner/name"},
		{"acme/svc", "", "", "set GITHUB_TOKEN"},
		{"acme/svc", "t", "ftp://x", "absolute http(s) URL"},
		{"acme/svc", "t", "https://u:p@x", "absolute http(s) URL"},
	} {
		if _, err := New(tc.repo, tc.token, tc.base, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%q, %q, %q) = %v, want %q", tc.repo, tc.token, tc.base, err, tc.want)
		}
	}
	c, _ := New("a/b", "t", "http://127.0.0.1:1", nil)
	if _, err := c.Open(context.Background(), Request{Branch: "../x", Files: []File{{Path: "a"}}}); err == nil {
		t.Error("a branch with .. was accepted")
	}
	if _, err := c.Open(context.Background(), Request{Branch: "x"}); err == nil || !strings.Contains(err.Error(), "nothing to commit") {
		t.Errorf("no files: %v", err)
	}
}
