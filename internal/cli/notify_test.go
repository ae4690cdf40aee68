package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/notify"
)

func notifyProject(t *testing.T, notifySection string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := "service: hello\npython: \"3.11\"\nbase: tar:base.tar\ncmd: [\"python\", \"-m\", \"app\"]\n" + notifySection
	if err := os.WriteFile(filepath.Join(dir, "pinwheel.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestNotifyTestCommand(t *testing.T) {
	var mu sync.Mutex
	verified := 0
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if notify.Verify([]byte("s3cret"), r.Header.Get(notify.HeaderTimestamp), r.Header.Get(notify.HeaderSignature), body, time.Now(), notify.DefaultTolerance) == nil {
			mu.Lock()
			verified++
			mu.Unlock()
		}
	}))
	defer ok.Close()
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(403) }))
	defer refusing.Close()
	t.Setenv("TEST_HOOK_SECRET", "s3cret")

	good := notifyProject(t, "notify:\n  webhooks:\n    - url: "+ok.URL+"/hook\n      secretEnv: TEST_HOOK_SECRET\n    - url: "+ok.URL+"/late\n      secretEnv: TEST_HOOK_SECRET\n      events: [rollout.promoted]\n")
	bad := notifyProject(t, "notify:\n  webhooks:\n    - url: "+refusing.URL+"/hook\n      secretEnv: TEST_HOOK_SECRET\n")
	unset := notifyProject(t, "notify:\n  webhooks:\n    - url: "+ok.URL+"\n      secretEnv: NOT_SET_ANYWHERE_42\n")
	badYAML := notifyProject(t, "notify:\n  webhook: []\n")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"sends_and_skips", []string{"notify", "test", good}, ExitOK, []string{"sent     webhooks[0] " + ok.URL + "/…  rollout.started  delivery evt_", "skipped  webhooks[1] " + ok.URL + "/…  (wants [rollout.promoted])", "markdown files in " + filepath.Join(good, ".pinwheel/incidents")}},
		{"event_flag", []string{"notify", "test", good, "--event", "rollout.promoted"}, ExitOK, []string{"rollout.promoted"}},
		{"refused", []string{"notify", "test", bad}, ExitNo, []string{"failed   webhooks[0] " + refusing.URL + "/…  HTTP 403", "HTTP 403", "1 of 1 deliveries failed"}},
		{"unset_secret", []string{"notify", "test", unset}, ExitUsage, []string{"pinwheel.yaml:7:7: webhook secret: environment variable NOT_SET_ANYWHERE_42 is not set"}},
		{"bad_section", []string{"notify", "test", badYAML}, ExitUsage, []string{`pinwheel.yaml:6:3: notify: unknown key "webhook"`}},
		{"bad_event", []string{"notify", "test", good, "--event", "deployed"}, ExitUsage, []string{`--event "deployed"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runPinwheel(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out+errOut, w) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errOut)
				}
			}
		})
	}
	if verified != 3 { // 1 rollout.started + 2 rollout.promoted
		t.Errorf("receiver verified %d signed requests, want 3", verified)
	}
}
