package notify

import (
	"context"
	"path/filepath"
	"testing"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/rollout"
)

func rolloutEvent(s string) rollout.Event { return rollout.Event(s) }

func TestRecordingWritesEveryAttemptToTheLedger(t *testing.T) {
	ctx := context.Background()
	store, err := ledger.Open(ctx, filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	srv := newRecorder(t, answer{status: 503}, answer{status: 503})
	w, _ := NewWebhook(srv.URL+"/hook/secret", WithFormat(FormatSlack))
	var s noSleep
	n := Retrying(Recording(w, store, WithRecordClock(fixedClock)), WithSleeper(s.sleep))
	if err := n.Notify(ctx, sampleEvent()); err != nil {
		t.Fatal(err)
	}
	got, err := store.ListNotifications(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d records, want 3: %+v", len(got), got)
	}
	for i, rec := range got {
		wantStatus := "failed"
		if i == 2 {
			wantStatus = "sent"
		}
		if rec.Status != wantStatus || rec.Attempts != i+1 || rec.Kind != "slack" || rec.Event != "rollout.rolled-back" ||
			rec.Target != srv.URL+"/…" || !rec.At.Equal(t0) {
			t.Errorf("record %d = %+v", i, rec)
		}
		if (rec.Error != "") != (wantStatus == "failed") {
			t.Errorf("record %d error %q", i, rec.Error)
		}
	}
}
