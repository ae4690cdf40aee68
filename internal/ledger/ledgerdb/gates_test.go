package ledgerdb

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
)

func TestGateRunsRecordedPerDigestAndReadBack(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		where := b.location(t)
		s, err := Open(ctx, where)
		if err != nil {
			t.Fatal(err)
		}
		const a, d = "sha256:aaaa", "sha256:dddd"
		if _, err := s.LatestGateRun(ctx, a); !errors.Is(err, ledger.ErrNotFound) {
			t.Fatalf("no runs yet: %v", err)
		}
		at := time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC)
		for i, g := range []ledger.GateRun{
			{ImageDigest: a, Service: "hello", At: at, Passed: false, Report: json.RawMessage(`{"n":1}`)},
			{ImageDigest: d, Service: "hello", At: at, Passed: true, Report: json.RawMessage(`{"n":2}`)},
			{ImageDigest: a, Service: "hello", At: at.Add(time.Minute), Passed: true, Report: json.RawMessage(`{"n":3}`)},
		} {
			if id, err := s.RecordGateRun(ctx, g); err != nil || id != int64(i+1) {
				t.Fatalf("record %d: id %d, %v", i, id, err)
			}
		}
		if _, err := s.RecordGateRun(ctx, ledger.GateRun{Service: "hello"}); err == nil {
			t.Fatal("a gate run without a digest was recorded")
		}
		s.Close()
		// Read back through another, read-only opening of the ledger.
		ro, err := Open(ctx, where, ledger.ReadOnly())
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		got, err := ro.LatestGateRun(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != 3 || !got.Passed || string(got.Report) != `{"n":3}` || !got.At.Equal(at.Add(time.Minute)) || got.Service != "hello" {
			t.Fatalf("latest of %s = %+v", a, got)
		}
		if got, err := ro.LatestGateRun(ctx, d); err != nil || got.ID != 2 || !got.Passed {
			t.Fatalf("latest of %s = %+v, %v", d, got, err)
		}
	})
}
