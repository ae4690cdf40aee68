package notify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRetrying(t *testing.T) {
	base := 100 * time.Millisecond
	tests := []struct {
		name       string
		answers    []answer
		wantReqs   int
		wantDelays []time.Duration
		wantErr    string
	}{
		{name: "success_first_try", wantReqs: 1},
		{name: "5xx_then_ok", answers: []answer{{status: 503}, {status: 502}}, wantReqs: 3,
			wantDelays: []time.Duration{base, 2 * base}},
		{name: "5xx_until_gave_up", answers: []answer{{status: 500}, {status: 500}, {status: 500}, {status: 500}}, wantReqs: 4,
			wantDelays: []time.Duration{base, 2 * base, 4 * base}, wantErr: "gave up after 4 attempts"},
		{name: "backoff_capped", answers: []answer{{status: 500}, {status: 500}, {status: 500}}, wantReqs: 4,
			wantDelays: []time.Duration{base, 2 * base, 4 * base}},
		{name: "retry_after_seconds", answers: []answer{{status: 429, header: map[string]string{"Retry-After": "7"}}}, wantReqs: 2,
			wantDelays: []time.Duration{7 * time.Second}},
		{name: "retry_after_date", answers: []answer{{status: 503, header: map[string]string{"Retry-After": t0.Add(90 * time.Second).Format(http.TimeFormat)}}},
			wantReqs: 2, wantDelays: []time.Duration{90 * time.Second}},
		{name: "retry_after_too_long", answers: []answer{{status: 429, header: map[string]string{"Retry-After": "3600"}}}, wantReqs: 1,
			wantErr: "longest honoured is 2m0s"},
		{name: "4xx_not_retried", answers: []answer{{status: 400}}, wantReqs: 1, wantErr: "HTTP 400"},
		{name: "401_not_retried", answers: []answer{{status: 401}}, wantReqs: 1, wantErr: "HTTP 401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, tt.answers...)
			w, _ := NewWebhook(srv.URL, WithSecret([]byte("k")), WithClock(fixedClock))
			var s noSleep
			attempts := 4
			r := Retrying(w, WithAttempts(attempts), WithBackoff(base, 4*base), WithSleeper(s.sleep), WithJitter(noJitter))
			err := r.Notify(context.Background(), sampleEvent())
			if tt.wantErr == "" && err != nil {
				t.Fatalf("err = %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			reqs := srv.requests()
			if len(reqs) != tt.wantReqs {
				t.Errorf("%d requests, want %d", len(reqs), tt.wantReqs)
			}
			if !slices.Equal(s.delays, tt.wantDelays) {
				t.Errorf("delays %v, want %v", s.delays, tt.wantDelays)
			}
			for _, r := range reqs[1:] {
				if r.Header.Get(HeaderDelivery) != reqs[0].Header.Get(HeaderDelivery) {
					t.Errorf("delivery id changed between attempts")
				}
			}
		})
	}
}

func TestRetryingNetworkErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // connection refused from now on
	w, _ := NewWebhook(url)
	var s noSleep
	err := Retrying(w, WithAttempts(3), WithSleeper(s.sleep), WithJitter(noJitter)).Notify(context.Background(), sampleEvent())
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Fatalf("err = %v", err)
	}
	if len(s.delays) != 2 {
		t.Errorf("%d waits, want 2", len(s.delays))
	}
}

func TestRetryingStopsWhenContextEnds(t *testing.T) {
	srv := newRecorder(t, answer{status: 500}, answer{status: 500})
	w, _ := NewWebhook(srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	sleep := func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	err := Retrying(w, WithAttempts(5), WithSleeper(sleep)).Notify(ctx, sampleEvent())
	if err == nil || len(srv.requests()) != 1 {
		t.Fatalf("err = %v after %d requests; want an error after 1", err, len(srv.requests()))
	}
}

func TestRetryingPermanent(t *testing.T) {
	calls := 0
	n := notifierFunc(func(context.Context, Event) error { calls++; return Permanent(errors.New("bad config")) })
	var s noSleep
	if err := Retrying(n, WithSleeper(s.sleep)).Notify(context.Background(), sampleEvent()); err == nil || calls != 1 {
		t.Fatalf("err = %v, calls = %d; want an error after 1 call", err, calls)
	}
}

func TestEqualJitterRange(t *testing.T) {
	for range 1000 {
		if d := equalJitter(time.Second); d < 500*time.Millisecond || d > time.Second {
			t.Fatalf("jitter %v outside [0.5s, 1s]", d)
		}
	}
}

func TestAttemptNumbers(t *testing.T) {
	var seen []int
	n := notifierFunc(func(ctx context.Context, _ Event) error {
		seen = append(seen, Attempt(ctx))
		if len(seen) < 3 {
			return errors.New("connection reset")
		}
		return nil
	})
	var s noSleep
	if err := Retrying(n, WithSleeper(s.sleep)).Notify(context.Background(), sampleEvent()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, []int{1, 2, 3}) {
		t.Fatalf("attempts %v", seen)
	}
}

// notifierFunc adapts a function for tests of the wrappers' own logic.
type notifierFunc func(context.Context, Event) error

func (f notifierFunc) Notify(ctx context.Context, ev Event) error { return f(ctx, ev) }
func (f notifierFunc) Name() string                               { return "func" }
