package ledgerdb

import (
	"context"
	"encoding/json"
	"testing"

	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
)

// BenchmarkSaveRollout is one rollout step as the driver writes it: the
// status, one decision and the recorded input, in one transaction — on
// each store.
func BenchmarkSaveRollout(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, be.location(b))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			rel, err := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop"}})
			if err != nil {
				b.Fatal(err)
			}
			ro, err := s.StartRollout(ctx, ledger.Rollout{Service: "shop", ReleaseID: rel.ID, Target: "local", Phase: "Progressing"})
			if err != nil {
				b.Fatal(err)
			}
			status := json.RawMessage(`{"step":1,"phase":"Analyzing","weights":{"shop-1":80,"shop-2":20}}`)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ro.Status, ro.Input = status, json.RawMessage(`{"now":"2026-12-08T00:00:00Z","observations":[]}`)
				if ro, err = s.SaveRollout(ctx, ro, ledger.Decision{Step: 1, Phase: "Analyzing", Action: "measure", Reason: "round"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGetRelease resolves "current" (the read status and deploy make).
func BenchmarkGetRelease(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, be.location(b))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			for i := 0; i < 50; i++ {
				r, _ := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop"}})
				s.SetReleaseState(ctx, r.ID, ledger.ReleaseLive, true)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if r, err := s.GetRelease(ctx, "shop", "current"); err != nil || r.ID != "shop-50" {
					b.Fatal(r.ID, err)
				}
			}
		})
	}
}
