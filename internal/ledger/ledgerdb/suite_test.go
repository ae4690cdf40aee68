package ledgerdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/lock"
)

func TestReleaseSequenceAndRefs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := openTest(t, b)
		lk := &lock.Lock{Format: lock.FormatUV, Packages: []lock.Package{{Name: "flask", Version: "3.0.3"}}}
		var ids []string
		for i, digest := range []string{"sha256:aaaaaaaaaaaaaaaa1111", "sha256:bbbbbbbbbbbbbbbb2222", "sha256:cccccccccccccccc3333"} {
			r, err := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "hello", Info: attest.BuildInfo{Service: "hello", ImageDigest: digest, LockHash: "sha256:l"}, Lock: lk}})
			if err != nil {
				t.Fatal(err)
			}
			if r.Seq != i+1 || r.ID != "hello-"+string(rune('1'+i)) {
				t.Fatalf("release %d: got seq %d id %s", i, r.Seq, r.ID)
			}
			ids = append(ids, r.ID)
		}
		other, err := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "other"}})
		if err != nil || other.ID != "other-1" {
			t.Fatalf("other service numbering: %v %v", other.ID, err)
		}
		if err := s.SetReleaseState(ctx, ids[0], ledger.ReleaseLive, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetReleaseState(ctx, ids[1], ledger.ReleaseLive, true); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, ref, want string
		}{
			{"byID", "hello-3", "hello-3"},
			{"bySeq", "2", "hello-2"},
			{"byDigestPrefix", "bbbbbbbbbbbbbbbb", "hello-2"},
			{"byFullDigest", "sha256:cccccccccccccccc3333", "hello-3"},
			{"current", "current", "hello-2"},
			{"previous", "previous", "hello-1"},
			{"latest", "latest", "hello-3"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, err := s.GetRelease(ctx, "hello", tt.ref)
				if err != nil {
					t.Fatal(err)
				}
				if r.ID != tt.want {
					t.Fatalf("GetRelease(%q) = %s, want %s", tt.ref, r.ID, tt.want)
				}
			})
		}
		r, _ := s.GetRelease(ctx, "hello", "hello-1")
		if r.State != ledger.ReleaseSuperseded || !r.KnownGood {
			t.Fatalf("hello-1 after hello-2 went live: state %s knownGood %v", r.State, r.KnownGood)
		}
		if r.Lock == nil || len(r.Lock.Packages) != 1 || r.Lock.Packages[0].Name != "flask" {
			t.Fatalf("lock snapshot not round-tripped: %+v", r.Lock)
		}
		if _, err := s.GetRelease(ctx, "hello", "hello-9"); !errors.Is(err, ledger.ErrNotFound) {
			t.Fatalf("missing release: want ledger.ErrNotFound, got %v", err)
		}
		good, err := s.LastKnownGood(ctx, "hello", "hello-3")
		if err != nil || good.ID != "hello-2" {
			t.Fatalf("LastKnownGood = %s, %v; want hello-2", good.ID, err)
		}
		good, err = s.LastKnownGood(ctx, "hello", "hello-2")
		if err != nil || good.ID != "hello-1" {
			t.Fatalf("LastKnownGood excluding hello-2 = %s, %v; want hello-1", good.ID, err)
		}
	})
}

func TestRolloutOptimisticConcurrencyAndDecisions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := openTest(t, b)
		rel, _ := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "hello"}})
		ro, err := s.StartRollout(ctx, ledger.Rollout{Service: "hello", ReleaseID: rel.ID, Target: "local", Phase: "Progressing", Status: json.RawMessage(`{"step":0}`)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.StartRollout(ctx, ledger.Rollout{Service: "hello", ReleaseID: rel.ID, Target: "local", Phase: "Progressing"}); !errors.Is(err, ledger.ErrConflict) {
			t.Fatalf("second concurrent rollout: want ledger.ErrConflict, got %v", err)
		}
		stale := ro
		ro.Status = json.RawMessage(`{"step":1}`)
		ro, err = s.SaveRollout(ctx, ro, ledger.Decision{Step: 0, Phase: "Progressing", Action: "setWeight", Reason: "step 0: weight 20"},
			ledger.Decision{Step: 1, Phase: "Paused", Action: "pause", Reason: "step 1: pause 10s"})
		if err != nil {
			t.Fatal(err)
		}
		stale.Status = json.RawMessage(`{"step":99}`)
		if _, err := s.SaveRollout(ctx, stale); !errors.Is(err, ledger.ErrConflict) {
			t.Fatalf("stale save: want ledger.ErrConflict, got %v", err)
		}
		ro.Phase, ro.Outcome, ro.FinishedAt = "Promoted", "promoted", time.Now()
		if ro, err = s.SaveRollout(ctx, ro, ledger.Decision{Step: 2, Phase: "Promoted", Action: "promote", Reason: "all steps passed"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetRollout(ctx, ro.ID)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Status) != `{"step":1}` || got.Outcome != "promoted" || got.Revision != 3 {
			t.Fatalf("stored rollout = status %s outcome %q revision %d", got.Status, got.Outcome, got.Revision)
		}
		ds, err := s.Decisions(ctx, ro.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 3 || ds[0].Seq != 1 || ds[2].Action != "promote" || ds[1].Reason != "step 1: pause 10s" {
			t.Fatalf("decisions = %+v", ds)
		}
		if _, err := s.ActiveRollout(ctx, "hello"); !errors.Is(err, ledger.ErrNotFound) {
			t.Fatalf("finished rollout still active: %v", err)
		}
		if _, err := s.StartRollout(ctx, ledger.Rollout{Service: "hello", ReleaseID: rel.ID, Target: "local", Phase: "Progressing"}); err != nil {
			t.Fatalf("new rollout after the finished one: %v", err)
		}
	})
}

func TestEventsAndBuilds(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := openTest(t, b)
		rel, _ := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "hello"}})
		if _, err := s.RecordBuild(ctx, ledger.Build{Service: "hello", Succeeded: true, Info: attest.BuildInfo{Service: "hello", DurationMS: 1200}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordBuild(ctx, ledger.Build{Service: "hello", Succeeded: false}); err != nil {
			t.Fatal(err)
		}
		bs, err := s.ListBuilds(ctx, "hello", 0)
		if err != nil || len(bs) != 2 || bs[0].Succeeded || !bs[1].Succeeded || bs[1].Info.DurationMS != 1200 {
			t.Fatalf("builds = %+v, %v", bs, err)
		}
		if _, err := s.RecordNotification(ctx, ledger.Notification{RolloutID: 7, Kind: "webhook", Target: "http://x", Event: "rollout.rolled-back", Status: "sent", Attempts: 2}); err != nil {
			t.Fatal(err)
		}
		ns, _ := s.ListNotifications(ctx, 7)
		if len(ns) != 1 || ns[0].Attempts != 2 || ns[0].Event != "rollout.rolled-back" {
			t.Fatalf("notifications = %+v", ns)
		}
		if _, err := s.RecordIncident(ctx, ledger.Incident{RolloutID: 7, ReleaseID: rel.ID, Title: "canary breached", Location: "/tmp/r.md"}); err != nil {
			t.Fatal(err)
		}
		is, _ := s.ListIncidents(ctx, "hello", 10)
		if len(is) != 1 || is[0].Location != "/tmp/r.md" {
			t.Fatalf("incidents = %+v", is)
		}
		if is, _ := s.ListIncidents(ctx, "nobody", 10); len(is) != 0 {
			t.Fatalf("incidents filtered by service: %+v", is)
		}
		if _, err := s.RecordBuild(ctx, ledger.Build{Service: "api"}); err != nil {
			t.Fatal(err)
		}
		if svcs, err := s.Services(ctx); err != nil || strings.Join(svcs, ",") != "api,hello" {
			t.Fatalf("services = %v, %v (want api from its build, hello from its release)", svcs, err)
		}
	})
}

func TestReopenKeepsDataAndRefusesNewerSchema(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		path := b.location(t)
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "a"}}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s, err = Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := s.GetRelease(ctx, "a", "a-1"); err != nil || r.Seq != 1 {
			t.Fatalf("after reopen: %+v %v", r, err)
		}
		db := sqlDB(s)
		if _, err := db.Exec(`INSERT INTO schema_migrations(version, applied_at) VALUES (999, '')`); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, err := Open(ctx, path); err == nil {
			t.Fatal("opening a database with a newer schema must fail")
		}
	})
}

func TestCommandsAreTakenOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := openTest(t, b)
		for _, body := range []string{`{"kind":"promote"}`, `{"kind":"abort"}`} {
			if _, err := s.EnqueueCommand(ctx, "hello", json.RawMessage(body)); err != nil {
				t.Fatal(err)
			}
		}
		s.EnqueueCommand(ctx, "other", json.RawMessage(`{"kind":"abort"}`))
		got, err := s.TakeCommands(ctx, "hello", 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || string(got[0].Body) != `{"kind":"promote"}` || got[1].TakenBy != 7 {
			t.Fatalf("taken = %+v", got)
		}
		again, _ := s.TakeCommands(ctx, "hello", 8)
		if len(again) != 0 {
			t.Fatalf("commands taken twice: %+v", again)
		}
	})
}

func TestRolloutInputsRecordedOnlyWithTheirSave(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := openTest(t, b)
		rel, _ := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "hello"}})
		ro, err := s.StartRollout(ctx, ledger.Rollout{Service: "hello", ReleaseID: rel.ID, Target: "local", Phase: "Pending"})
		if err != nil {
			t.Fatal(err)
		}
		stale := ro
		ro.Input = json.RawMessage(`{"n":1}`)
		if ro, err = s.SaveRollout(ctx, ro); err != nil {
			t.Fatal(err)
		}
		stale.Input = json.RawMessage(`{"n":"lost"}`)
		if _, err := s.SaveRollout(ctx, stale); !errors.Is(err, ledger.ErrConflict) {
			t.Fatalf("stale save: %v", err)
		}
		ro.Input = json.RawMessage(`{"n":2}`)
		if _, err = s.SaveRollout(ctx, ro); err != nil {
			t.Fatal(err)
		}
		in, err := s.Inputs(ctx, ro.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(in) != 2 || string(in[0].Body) != `{"n":1}` || string(in[1].Body) != `{"n":2}` || in[1].Seq != 2 {
			t.Fatalf("inputs = %+v (a conflicting save must not record its input)", in)
		}
	})
}

// sqlDB is the database a sqlstore-based store runs on.
func sqlDB(s ledger.Store) *sql.DB { return s.(interface{ DB() *sql.DB }).DB() }

// A read-only open reads a current ledger, refuses writes and neither
// creates a ledger where there is none nor migrates an older one.
func TestReadOnlyReadsButNeverWritesOrMigrates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		where := b.location(t)
		for _, opt := range []ledger.Option{ledger.ReadOnly(), ledger.Existing()} {
			if _, err := Open(ctx, where, opt); err == nil || !strings.Contains(err.Error(), "no ledger") {
				t.Fatalf("no ledger yet: %v", err)
			}
		}
		w, err := Open(ctx, where)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "hello"}}); err != nil {
			t.Fatal(err)
		}
		w.Close()

		r, err := Open(ctx, where, ledger.ReadOnly())
		if err != nil {
			t.Fatal(err)
		}
		if got, err := r.Services(ctx); err != nil || len(got) != 1 || got[0] != "hello" {
			t.Fatalf("services %v, %v", got, err)
		}
		if _, err := r.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "hello"}}); err == nil {
			t.Fatal("a read-only ledger accepted a write")
		}
		r.Close()

		// Roll the schema back one version: read-only refuses, and leaves it so.
		w, _ = Open(ctx, where)
		if _, err := sqlDB(w).ExecContext(ctx, fmt.Sprintf(`DELETE FROM schema_migrations WHERE version = %d`, len(ledger.Migrations))); err != nil {
			t.Fatal(err)
		}
		w.Close()
		if _, err := Open(ctx, where, ledger.ReadOnly()); err == nil || !strings.Contains(err.Error(), "schema version") {
			t.Fatalf("older schema: %v", err)
		}
		w, err = Open(ctx, where, ledger.ReadOnly(), ledger.WithClock(time.Now)) // still refused: nothing was migrated
		if err == nil {
			w.Close()
			t.Fatal("the refused read-only open migrated the ledger")
		}
	})
}
