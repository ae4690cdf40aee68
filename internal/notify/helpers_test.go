package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/attest"
)

var t0 = time.Date(2026, 11, 24, 20, 15, 0, 0, time.UTC)

func fixedClock() time.Time { return t0 }

func f64(v float64) *float64 { return &v }

func buildV(n string) attest.BuildInfo {
	return attest.BuildInfo{
		Service:        "hello",
		Version:        "1.0." + n,
		GitCommit:      map[string]string{"1": "4f2a9c1e0b7d3a6f8e5c2b1a0d9e8f7c6b5a4d31", "2": "9d3e7a2b5c8f1e4a7d0c3b6e9f2a5d8c1b4e7a02"}[n],
		LockHash:       "sha256:7d1c0e5f3a" + n,
		LockFormat:     "uv.lock",
		PythonVersion:  "3.11.9",
		BaseImage:      "python:3.11-slim",
		BaseDigest:     "sha256:b0a1c2d3e4f5",
		ImageDigest:    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85" + n,
		BuilderVersion: "pinwheel dev",
		CIProvider:     "github-actions",
		CIRunID:        "118" + n,
		CIRunURL:       "https://github.com/acme/hello/actions/runs/118" + n,
		Reproducible:   true,
	}
}

func sampleEvent() Event {
	stable := ReleaseRef{ID: "hello-1", Build: buildV("1")}
	return Event{
		Type: RolloutRolledBack, Time: t0, Service: "hello", RolloutID: 7, Step: 2, Weight: 0,
		Phase: "RolledBack", Reason: "analysis failed at step 2: error-rate 0.062 > max 0.05",
		Release: ReleaseRef{ID: "hello-2", Build: buildV("2")}, Stable: &stable,
		Verdicts: []analysis.Verdict{{
			Check: "error-rate", Kind: analysis.Threshold, Outcome: analysis.Fail,
			Reason:   "error rate 0.062 > max 0.05 over 120 samples",
			Evidence: analysis.Evidence{Query: "errors/requests", Value: f64(0.062), Threshold: "max 0.05", Samples: 120},
		}},
		Link: ".pinwheel/incidents/20261124T201500Z-hello-2.md",
	}
}

// received is one request a test server saw.
type received struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// recorder is a real HTTP server on 127.0.0.1 that keeps every request and
// answers with the statuses queued in answers (then 200).
type recorder struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []received
	answers []answer
}

type answer struct {
	status int
	header map[string]string
	body   string
}

func newRecorder(t *testing.T, answers ...answer) *recorder {
	r := &recorder{answers: answers}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, received{req.Method, req.URL.RequestURI(), req.Header.Clone(), body})
		a := answer{status: 200}
		if len(r.answers) > 0 {
			a, r.answers = r.answers[0], r.answers[1:]
		}
		r.mu.Unlock()
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.reqs...)
}

// noSleep records the delays Retrying asks for instead of sleeping.
type noSleep struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (s *noSleep) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	return ctx.Err()
}

func noJitter(d time.Duration) time.Duration { return d }

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, b)
	}
	return m
}
