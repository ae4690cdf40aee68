package notify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestWebhookJSONSignedRequest(t *testing.T) {
	srv := newRecorder(t)
	secret := []byte("s3cret")
	w, err := NewWebhook(srv.URL+"/hooks/pinwheel?token=abc", WithSecret(secret), WithClock(fixedClock))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Notify(context.Background(), sampleEvent()); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/hooks/pinwheel?token=abc" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	for _, h := range []string{"Content-Type", HeaderTimestamp, HeaderSignature, HeaderDelivery, HeaderEvent} {
		if r.Header.Get(h) == "" {
			t.Errorf("header %s missing", h)
		}
	}
	if got := r.Header.Get(HeaderEvent); got != "rollout.rolled-back" {
		t.Errorf("%s = %q", HeaderEvent, got)
	}
	ts, sig := r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature)
	if err := Verify(secret, ts, sig, r.Body, fixedClock(), DefaultTolerance); err != nil {
		t.Errorf("signature does not verify with the secret: %v", err)
	}
	if err := Verify([]byte("wrong"), ts, sig, r.Body, fixedClock(), DefaultTolerance); !errors.Is(err, ErrBadSignature) {
		t.Errorf("signature verified with a wrong secret: %v", err)
	}

	var got Event
	if err := json.Unmarshal(r.Body, &got); err != nil {
		t.Fatal(err)
	}
	if got.ID == "" || got.ID != r.Header.Get(HeaderDelivery) {
		t.Errorf("event id %q, delivery header %q: want equal and set", got.ID, r.Header.Get(HeaderDelivery))
	}
	if got.Version != SchemaVersion || got.Service != "hello" || got.RolloutID != 7 || got.Release.ID != "hello-2" ||
		got.Stable == nil || got.Stable.Build.ImageDigest != buildV("1").ImageDigest || len(got.Verdicts) != 1 {
		t.Errorf("payload lost fields: %+v", got)
	}
	m := decodeJSON(t, r.Body)
	for _, k := range []string{"version", "id", "type", "time", "service", "rolloutId", "step", "weight", "phase", "reason", "release", "stable", "verdicts", "link"} {
		if _, ok := m[k]; !ok {
			t.Errorf("payload has no %q", k)
		}
	}
}

func TestWebhookUnsignedWithoutSecret(t *testing.T) {
	srv := newRecorder(t)
	w, _ := NewWebhook(srv.URL, WithClock(fixedClock))
	if err := w.Notify(context.Background(), sampleEvent()); err != nil {
		t.Fatal(err)
	}
	if sig := srv.requests()[0].Header.Get(HeaderSignature); sig != "" {
		t.Errorf("unsigned webhook sent %s: %s", HeaderSignature, sig)
	}
}

func TestWebhookErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		temporary bool
	}{
		{name: "server_error", status: 503, temporary: true},
		{name: "rate_limited", status: 429, temporary: true},
		{name: "bad_request", status: 400},
		{name: "gone", status: 410},
		{name: "redirect_not_followed", status: 302},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, answer{status: tt.status, body: "nope", header: map[string]string{"Location": "/elsewhere"}})
			w, _ := NewWebhook(srv.URL + "/secret-path")
			err := w.Notify(context.Background(), sampleEvent())
			var he *HTTPError
			if !errors.As(err, &he) || he.StatusCode != tt.status {
				t.Fatalf("err = %v, want HTTP %d", err, tt.status)
			}
			if he.Temporary() != tt.temporary {
				t.Errorf("Temporary() = %v", he.Temporary())
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("%d requests, want 1 (redirects are not followed)", n)
			}
			if strings.Contains(err.Error(), "secret-path") {
				t.Errorf("error leaks the URL path: %v", err)
			}
		})
	}
}

func TestWebhookRejectsBadConfig(t *testing.T) {
	for name, u := range map[string]string{"relative": "/hook", "ftp": "ftp://x/y", "empty": ""} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewWebhook(u); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if _, err := NewWebhook("https://x", WithFormat("xml")); err == nil {
		t.Fatal("accepted format xml")
	}
}

func TestNameHidesURLPath(t *testing.T) {
	w, _ := NewWebhook("https://hooks.slack.com/services/T000/B000/XXXX", WithFormat(FormatSlack))
	if got := w.Name(); got != "https://hooks.slack.com/…" {
		t.Errorf("Name() = %q", got)
	}
	if w.Kind() != "slack" {
		t.Errorf("Kind() = %q", w.Kind())
	}
}

func TestWithIDIsStable(t *testing.T) {
	a, b := WithID(sampleEvent()), WithID(sampleEvent())
	if a.ID == "" || a.ID != b.ID {
		t.Fatalf("ids %q %q: want equal, non-empty", a.ID, b.ID)
	}
	other := sampleEvent()
	other.Type = RolloutPromoted
	if WithID(other).ID == a.ID {
		t.Fatal("different events got the same id")
	}
	set := sampleEvent()
	set.ID = "mine"
	if WithID(set).ID != "mine" {
		t.Fatal("WithID replaced a caller's id")
	}
}
