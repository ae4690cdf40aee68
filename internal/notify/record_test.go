package notify

import (
	"context"
	"sync"
	"testing"

	"pinwheel.dev/pinwheel/internal/rollout"
)

// deliveryLog keeps what Recording records, in order.
type deliveryLog struct {
	mu  sync.Mutex
	got []Delivery
}

func (l *deliveryLog) RecordDelivery(_ context.Context, d Delivery) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, d)
	return nil
}

func rolloutEvent(s string) rollout.Event { return rollout.Event(s) }

func TestRecordingRecordsEveryAttempt(t *testing.T) {
	ctx := context.Background()
	store := &deliveryLog{}

	srv := newRecorder(t, answer{status: 503}, answer{status: 503})
	w, _ := NewWebhook(srv.URL+"/hook/secret", WithFormat(FormatSlack))
	var s noSleep
	n := Retrying(Recording(w, store, WithRecordClock(fixedClock)), WithSleeper(s.sleep))
	if err := n.Notify(ctx, sampleEvent()); err != nil {
		t.Fatal(err)
	}
	got := store.got
	if len(got) != 3 {
		t.Fatalf("%d records, want 3: %+v", len(got), got)
	}
	for i, rec := range got {
		wantStatus := "failed"
		if i == 2 {
			wantStatus = "sent"
		}
		if rec.RolloutID != 7 || rec.Status != wantStatus || rec.Attempts != i+1 || rec.Kind != "slack" || rec.Event != "rollout.rolled-back" ||
			rec.Target != srv.URL+"/…" || !rec.At.Equal(t0) {
			t.Errorf("record %d = %+v", i, rec)
		}
		if (rec.Error != "") != (wantStatus == "failed") {
			t.Errorf("record %d error %q", i, rec.Error)
		}
	}
}
