package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestGateRunsRecordedPerDigestAndReadBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	const a, b = "sha256:aaaa", "sha256:bbbb"
	if _, err := s.LatestGateRun(ctx, a); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no runs yet: %v", err)
	}
	at := time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC)
	for i, g := range []GateRun{
		{ImageDigest: a, Service: "hello", At: at, Passed: false, Report: json.RawMessage(`{"n":1}`)},
		{ImageDigest: b, Service: "hello", At: at, Passed: true, Report: json.RawMessage(`{"n":2}`)},
		{ImageDigest: a, Service: "hello", At: at.Add(time.Minute), Passed: true, Report: json.RawMessage(`{"n":3}`)},
	} {
		if id, err := s.RecordGateRun(ctx, g); err != nil || id != int64(i+1) {
			t.Fatalf("record %d: id %d, %v", i, id, err)
		}
	}
	if _, err := s.RecordGateRun(ctx, GateRun{Service: "hello"}); err == nil {
		t.Fatal("a gate run without a digest was recorded")
	}
	s.Close()
	// Read back from another, read-only connection to the file.
	ro, err := Open(ctx, path, ReadOnly())
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
	if got, err := ro.LatestGateRun(ctx, b); err != nil || got.ID != 2 {
		t.Fatalf("latest of %s = %+v, %v", b, got, err)
	}
}
