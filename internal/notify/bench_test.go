package notify

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func BenchmarkSign(b *testing.B) {
	body := []byte(strings.Repeat("x", 2048))
	for b.Loop() {
		Sign([]byte("s3cret"), t0, body)
	}
}

// One signed webhook delivery to a local server, request to answer.
func BenchmarkWebhookNotify(b *testing.B) {
	srv := newRecorder(&testing.T{})
	defer srv.Close()
	w, _ := NewWebhook(srv.URL, WithSecret([]byte("s3cret")))
	ev := sampleEvent()
	for b.Loop() {
		if err := w.Notify(context.Background(), ev); err != nil {
			b.Fatal(err)
		}
	}
}

// Queuing cost the rollout pays per event with Async in front.
func BenchmarkAsyncNotify(b *testing.B) {
	a := Async(notifierFunc(func(context.Context, Event) error { return nil }), 1024, nil)
	ev := sampleEvent()
	ev.ID = "fixed"
	for b.Loop() {
		a.Notify(context.Background(), ev)
	}
	a.Close(context.Background())
}

func benchRemediation(b *testing.B, logLines int) Remediation {
	r := sampleRemediation(b)
	for i := range logLines {
		r.LogTail = append(r.LogTail, fmt.Sprintf("%s INFO request %d handled in 12ms %s", t0.Add(time.Duration(i)*time.Millisecond).Format(time.RFC3339Nano), i, strings.Repeat("x", 80)))
	}
	for i := range 200 {
		r.Samples = append(r.Samples, FailedRequest{Time: t0, Replica: "hello-2/0", Method: "GET", Path: fmt.Sprintf("/item/%d", i), Status: 500, Body: "boom"})
	}
	return r
}

// A report that fits: one rendering.
func BenchmarkRemediationMarkdown(b *testing.B) {
	r := benchRemediation(b, 100)
	for b.Loop() {
		r.Markdown(GitHubMaxBody)
	}
}

// A report 10,000 log lines long cut to GitHub's limit (binary search over renderings).
func BenchmarkRemediationMarkdownFit(b *testing.B) {
	r := benchRemediation(b, 10000)
	for b.Loop() {
		if len(r.Markdown(GitHubMaxBody)) > GitHubMaxBody {
			b.Fatal("over the limit")
		}
	}
}
