package notify

import (
	"context"
	"strings"
	"testing"
)

func TestMultiFansOutAndJoinsErrors(t *testing.T) {
	ok, failing := newRecorder(t), newRecorder(t, answer{status: 500, body: "down"})
	a, _ := NewWebhook(ok.URL)
	b, _ := NewWebhook(failing.URL)
	err := Multi(a, b).Notify(context.Background(), sampleEvent())
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("err = %v, want the failing receiver's error", err)
	}
	if len(ok.requests()) != 1 || len(failing.requests()) != 1 {
		t.Fatalf("requests: %d and %d, want 1 each", len(ok.requests()), len(failing.requests()))
	}
	if ok.requests()[0].Header.Get(HeaderDelivery) != failing.requests()[0].Header.Get(HeaderDelivery) {
		t.Error("the same event got different delivery ids")
	}
	if err := Multi().Notify(context.Background(), sampleEvent()); err != nil {
		t.Errorf("empty Multi: %v", err)
	}
}

func TestOnlyFiltersEvents(t *testing.T) {
	srv := newRecorder(t)
	w, _ := NewWebhook(srv.URL)
	n := Only(w, RolloutRolledBack, RolloutPromoted)
	for _, typ := range EventTypes {
		ev := sampleEvent()
		ev.Type = typ
		if err := n.Notify(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, r := range srv.requests() {
		got = append(got, r.Header.Get(HeaderEvent))
	}
	if strings.Join(got, ",") != "rollout.promoted,rollout.rolled-back" {
		t.Fatalf("delivered %v", got)
	}
}

func TestFromRolloutCoversEveryEngineEvent(t *testing.T) {
	for _, e := range []string{"started", "paused", "promoting", "promoted", "rollingBack", "rolledBack", "aborted", "failed"} {
		typ, ok := FromRollout(rolloutEvent(e))
		if !ok || !typ.Known() {
			t.Errorf("rollout event %q maps to %q, %v", e, typ, ok)
		}
	}
}
