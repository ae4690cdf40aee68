package deploy

import (
	"context"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/notify"
)

func TestDeliveriesAreRecordedInTheLedger(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	d := notify.Delivery{RolloutID: 7, At: at, Kind: "slack", Target: "https://hooks.example/…", Event: "rollout.rolled-back",
		Status: "failed", Attempts: 2, Error: "503 Service Unavailable"}
	if err := (deliveries{store}).RecordDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := store.ListNotifications(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d notifications recorded, want 1", len(got))
	}
	n := got[0]
	if n.RolloutID != 7 || !n.At.Equal(at) || n.Kind != d.Kind || n.Target != d.Target || n.Event != d.Event ||
		n.Status != d.Status || n.Attempts != 2 || n.Error != d.Error {
		t.Fatalf("recorded %+v, want the fields of %+v", n, d)
	}
}
