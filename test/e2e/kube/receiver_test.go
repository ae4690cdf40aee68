package kubee2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/notify"
)

// receiver is a local webhook endpoint and GitHub REST API (issues) that
// checks every request: webhook signatures (HMAC, notify.Verify), the
// GitHub token and paths. Requests it does not expect fail the test.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret []byte

	mu     sync.Mutex
	events []notify.Event
	issues []ghIssue
}

type ghIssue struct {
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	Labels []string `json:"labels"`
}

const ghToken = "gh-e2e-t0ken"

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t, secret: []byte("e2e-webhook-secret")}
	rc.srv = httptest.NewServer(rc)
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/hook":
		err := notify.Verify(rc.secret, r.Header.Get(notify.HeaderTimestamp), r.Header.Get(notify.HeaderSignature), body, time.Now(), notify.DefaultTolerance)
		if err != nil {
			rc.t.Errorf("webhook %s: %v", r.Header.Get(notify.HeaderEvent), err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev notify.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			rc.t.Errorf("webhook body: %v\n%s", err, body)
		}
		if string(ev.Type) != r.Header.Get(notify.HeaderEvent) {
			rc.t.Errorf("webhook header %s for a %s event", r.Header.Get(notify.HeaderEvent), ev.Type)
		}
		rc.events = append(rc.events, ev)
	case r.Header.Get("Authorization") != "Bearer "+ghToken:
		rc.t.Errorf("%s %s: Authorization %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
	case r.Method == http.MethodGet && r.URL.Path == "/api/v3/repos/acme/shop/issues":
		if r.URL.Query().Get("state") != "open" {
			rc.t.Errorf("issue search %s: want state=open", r.URL.RawQuery)
		}
		_, _ = w.Write([]byte("[]"))
	case r.Method == http.MethodPost && r.URL.Path == "/api/v3/repos/acme/shop/issues":
		var is ghIssue
		if err := json.Unmarshal(body, &is); err != nil || is.Title == "" || is.Body == "" {
			rc.t.Errorf("create issue: %v\n%s", err, body)
		}
		rc.issues = append(rc.issues, is)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"number": %d, "html_url": "https://github.example/acme/shop/issues/%d"}`, len(rc.issues), len(rc.issues))
	default:
		rc.t.Errorf("unexpected %s %s", r.Method, r.URL.RequestURI())
		w.WriteHeader(http.StatusNotFound)
	}
}

// notifier is a signed JSON webhook to the receiver.
func (rc *receiver) notifier() notify.Notifier {
	w, err := notify.NewWebhook(rc.srv.URL+"/hook", notify.WithSecret(rc.secret))
	if err != nil {
		rc.t.Fatal(err)
	}
	return w
}

// tracker is the GitHub tracker of acme/shop on the receiver (a GitHub
// Enterprise base URL).
func (rc *receiver) tracker() notify.IssueTracker {
	g, err := notify.NewGitHub("acme/shop", ghToken, notify.WithBaseURL(rc.srv.URL+"/api/v3"))
	if err != nil {
		rc.t.Fatal(err)
	}
	return g
}

// received returns the events of type typ for release id.
func (rc *receiver) received(typ notify.EventType, id string) []notify.Event {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []notify.Event
	for _, ev := range rc.events {
		if ev.Type == typ && ev.Release.ID == id {
			out = append(out, ev)
		}
	}
	return out
}

func (rc *receiver) eventTypes() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, ev := range rc.events {
		out = append(out, string(ev.Type)+"/"+ev.Release.ID)
	}
	return out
}

func (rc *receiver) filed() []ghIssue {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]ghIssue(nil), rc.issues...)
}
