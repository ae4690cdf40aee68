package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// hangingServer accepts requests and answers none until the test ends.
func hangingServer(t *testing.T) (*httptest.Server, chan struct{}) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv, arrived
}

func TestAsyncNeverBlocksOnAHangingServer(t *testing.T) {
	srv, arrived := hangingServer(t)
	w, _ := NewWebhook(srv.URL)
	var logs bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
	a := Async(w, 3, log)

	done := make(chan error, 1)
	go func() {
		for i := range 20 {
			ev := sampleEvent()
			ev.Step = i
			if err := a.Notify(context.Background(), ev); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Notify blocked behind a hanging receiver")
	}
	<-arrived // the worker is stuck in the first request
	// 20 events: 1 in flight, 3 queued, the rest dropped oldest-first.
	if got := a.Dropped(); got < 16 || got > 17 {
		t.Errorf("dropped %d, want 16 or 17", got)
	}
	mu.Lock()
	if !strings.Contains(logs.String(), "notification queue full; dropped the oldest event") {
		t.Errorf("no warning logged:\n%s", logs.String())
	}
	mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := a.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close = %v, want deadline exceeded", err)
	}
	if err := a.Notify(context.Background(), sampleEvent()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Notify after Close = %v", err)
	}
}

func TestAsyncDropsOldestKeepsNewest(t *testing.T) {
	gate := make(chan struct{})
	var mu sync.Mutex
	var got []int
	n := notifierFunc(func(_ context.Context, ev Event) error {
		<-gate
		mu.Lock()
		got = append(got, ev.Step)
		mu.Unlock()
		return nil
	})
	a := Async(n, 2, nil)
	first := sampleEvent()
	first.Step = 0
	a.Notify(context.Background(), first)
	// Wait until the worker holds event 0, so the queue state is known.
	for a.queued() != 0 {
		time.Sleep(time.Millisecond)
	}
	for i := 1; i <= 5; i++ {
		ev := sampleEvent()
		ev.Step = i
		a.Notify(context.Background(), ev)
	}
	close(gate)
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[0 4 5]" {
		t.Fatalf("delivered %v, want [0 4 5] (oldest queued dropped)", got)
	}
	if a.Dropped() != 3 {
		t.Errorf("Dropped() = %d", a.Dropped())
	}
}

func TestAsyncCloseDrains(t *testing.T) {
	srv := newRecorder(t)
	w, _ := NewWebhook(srv.URL)
	a := Async(w, 100, nil)
	for i := range 25 {
		ev := sampleEvent()
		ev.Step = i
		a.Notify(context.Background(), ev)
	}
	if err := a.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 25 {
		t.Fatalf("%d delivered before Close returned, want 25", n)
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
