package local_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/notify"
)

// trackerServer is a local GitHub REST API (issues) and webhook receiver
// that checks what pinwheel sends.
type trackerServer struct {
	t      *testing.T
	secret []byte

	mu     sync.Mutex
	issues []map[string]any
	events []string // webhook event types, signature verified
}

func (s *trackerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/hook":
		err := notify.Verify(s.secret, r.Header.Get("X-Pinwheel-Timestamp"), r.Header.Get("X-Pinwheel-Signature"), body, time.Now(), 5*time.Minute)
		if err != nil {
			s.t.Errorf("webhook %s: signature: %v", r.Header.Get("X-Pinwheel-Event"), err)
			w.WriteHeader(401)
			return
		}
		s.events = append(s.events, r.Header.Get("X-Pinwheel-Event"))
	case r.Header.Get("Authorization") != "Bearer gh-t0ken":
		s.t.Errorf("%s %s: Authorization %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		w.WriteHeader(401)
	case r.Method == "GET" && r.URL.Path == "/api/v3/repos/acme/shop/issues":
		w.Write([]byte("[]"))
	case r.Method == "POST" && r.URL.Path == "/api/v3/repos/acme/shop/issues":
		var issue map[string]any
		if err := json.Unmarshal(body, &issue); err != nil {
			s.t.Errorf("create issue: %v", err)
		}
		s.issues = append(s.issues, issue)
		w.WriteHeader(201)
		w.Write([]byte(`{"number": 7, "html_url": "https://github.example/acme/shop/issues/7"}`))
	default:
		s.t.Errorf("unexpected %s %s", r.Method, r.URL.RequestURI())
		w.WriteHeader(404)
	}
}

// TestRollbackFilesAGitHubIssueAndSignedWebhooks: an automatic rollback on
// the local runtime files a remediation issue through the GitHub REST API
// (Enterprise base URL, token from the environment) with the evidence, and
// every rollout event reaches a signed webhook.
func TestRollbackFilesAGitHubIssueAndSignedWebhooks(t *testing.T) {
	srv := &trackerServer{t: t, secret: []byte("hook-secret")}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	t.Setenv("E2E_GITHUB_TOKEN", "gh-t0ken")
	t.Setenv("E2E_HOOK_SECRET", string(srv.secret))

	r := newRig(t)
	r.setYAML(`(?m)^notify:\n  reportDir: .*$`, `notify:
  webhooks:
    - url: `+hs.URL+`/hook
      secretEnv: E2E_HOOK_SECRET
  github:
    repo: acme/shop
    baseURL: `+hs.URL+`/api/v3
    tokenEnv: E2E_GITHUB_TOKEN`)
	r.load()
	r.deploy(0, "--image", r.build("v1"))
	r.version("2.0.0", "errors")
	out := r.deploy(1, "--image", r.build("v2"))
	if !strings.Contains(out, "remediation report: https://github.example/acme/shop/issues/7") {
		t.Errorf("deploy does not say where the issue went:\n%s", out)
	}

	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.issues) != 1 {
		t.Fatalf("%d issues filed, want 1", len(srv.issues))
	}
	body, _ := srv.issues[0]["body"].(string)
	for _, want := range []string{
		"### Releases", "shop-1", "shop-2",
		"### What changed", "SHOP_FAULT",
		"### Failing SLIs", "error-rate", "max 0.02",
		"### Failing requests", "| 500 |",
		"### Canary log tail",
		"### Rollback record",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("issue body lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("issue body:\n%s", body)
	}
	joined := strings.Join(srv.events, " ")
	for _, want := range []string{"rollout.started", "rollout.promoted", "rollout.rolled-back"} {
		if !strings.Contains(joined, want) {
			t.Errorf("webhook events %v lack %s", srv.events, want)
		}
	}
}
