package ledgerdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pgtest"
)

// fill records one of every kind of record in s.
func fill(t *testing.T, s ledger.Store) {
	t.Helper()
	ctx := context.Background()
	lk := &lock.Lock{Format: lock.FormatUV, Packages: []lock.Package{{Name: "flask", Version: "3.0.3"}}}
	if _, err := s.RecordBuild(ctx, ledger.Build{Service: "shop", Succeeded: true, Info: attest.BuildInfo{Service: "shop", DurationMS: 1200, LockHash: "sha256:l"}}); err != nil {
		t.Fatal(err)
	}
	one, err := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop", Lock: lk, Config: json.RawMessage(`{"service":"shop"}`),
		Info: attest.BuildInfo{Service: "shop", ImageDigest: "sha256:aaaaaaaaaaaaaaaa"}}, Deploy: json.RawMessage(`{"artifact":{}}`)})
	if err != nil {
		t.Fatal(err)
	}
	two, _ := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop"}})
	if err := s.SetReleaseState(ctx, one.ID, ledger.ReleaseLive, true); err != nil {
		t.Fatal(err)
	}
	ro, err := s.StartRollout(ctx, ledger.Rollout{Service: "shop", ReleaseID: two.ID, FromRelease: one.ID, Target: "local", Phase: "Progressing", Status: json.RawMessage(`{"step":0}`)})
	if err != nil {
		t.Fatal(err)
	}
	ro.Input = json.RawMessage(`{"obs":1}`)
	ro.Phase, ro.Outcome, ro.FinishedAt = "RolledBack", "rolled-back", ro.StartedAt
	if _, err := s.SaveRollout(ctx, ro, ledger.Decision{Step: 1, Phase: "RollingBack", Action: "rollback", Reason: "error-rate", Evidence: json.RawMessage(`{"v":0.08}`)}); err != nil {
		t.Fatal(err)
	}
	s.RecordNotification(ctx, ledger.Notification{RolloutID: ro.ID, Kind: "webhook", Target: "http://x", Event: "rollout.rolled-back", Status: "sent", Attempts: 1})
	s.RecordIncident(ctx, ledger.Incident{RolloutID: ro.ID, ReleaseID: two.ID, Title: "canary breached", Location: "/r.md"})
	if _, err := s.EnqueueCommand(ctx, "shop", json.RawMessage(`{"kind":"abort"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordGateRun(ctx, ledger.GateRun{ImageDigest: "sha256:aaaaaaaaaaaaaaaa", Service: "shop", Passed: true, Report: json.RawMessage(`{"passed":true}`)}); err != nil {
		t.Fatal(err)
	}
}

func export(t *testing.T, s ledger.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.Export(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func openAt(t *testing.T, where string) ledger.Store {
	t.Helper()
	s, err := Open(context.Background(), where)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sqlite → postgres → sqlite: every export is the same, byte for byte, and
// holds every table; the imported postgres ledger goes on numbering after
// the imported ids.
func TestExportImportRoundTripSQLitePostgresSQLite(t *testing.T) {
	ctx := context.Background()
	first := openAt(t, filepath.Join(t.TempDir(), "a.db"))
	fill(t, first)
	a := export(t, first)
	for _, table := range ledger.Tables {
		if !bytes.Contains(a, []byte(`"table":"`+table+`"`)) {
			t.Errorf("export has no row of %s:\n%s", table, a)
		}
	}
	pg := openAt(t, pgtest.Database(t))
	n, err := pg.Import(ctx, bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.Count(a, []byte("\n")) - 1; n != want {
		t.Fatalf("imported %d rows, export has %d", n, want)
	}
	b := export(t, pg)
	if !bytes.Equal(a, b) {
		t.Fatalf("postgres export differs from the sqlite one:\n%s\n---\n%s", a, b)
	}
	last := openAt(t, filepath.Join(t.TempDir(), "c.db"))
	if _, err := last.Import(ctx, bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	if c := export(t, last); !bytes.Equal(a, c) {
		t.Fatalf("sqlite → postgres → sqlite changed the ledger:\n%s\n---\n%s", a, c)
	}
	for name, s := range map[string]ledger.Store{"postgres": pg, "sqlite": last} {
		r, err := s.GetRelease(ctx, "shop", "current")
		if err != nil || r.ID != "shop-1" || r.Lock == nil || r.Lock.Packages[0].Name != "flask" || !r.KnownGood {
			t.Fatalf("%s: current release after import: %+v, %v", name, r, err)
		}
		next, err := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop"}})
		if err != nil || next.ID != "shop-3" {
			t.Fatalf("%s: next release after import: %s, %v", name, next.ID, err)
		}
		ro, err := s.StartRollout(ctx, ledger.Rollout{Service: "shop", ReleaseID: next.ID, Target: "local", Phase: "Pending"})
		if err != nil || ro.ID != 2 {
			t.Fatalf("%s: next rollout after import: #%d, %v (want #2)", name, ro.ID, err)
		}
	}
}

// Import takes only a pinwheel export of this schema, into an empty ledger,
// and names the line of a bad row; a refused import writes nothing.
func TestImportRefusesBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		src := openTest(t, b)
		fill(t, src)
		good := string(export(t, src))
		head, _, _ := strings.Cut(good, "\n")
		for _, tc := range []struct{ name, in, want string }{
			{"notAnExport", "hello\n", "expected a pinwheel ledger export"},
			{"otherSchema", `{"ledger":"pinwheel","schema":999}` + "\n", "export of schema version 999"},
			{"unknownTable", head + "\n" + `{"table":"users","row":{"id":1}}` + "\n", `-:2: row of users: unknown table "users"`},
			{"unknownColumn", head + "\n" + `{"table":"builds","row":{"id":1,"service":"a","created_at":"","info":"{}","succeeded":1,"x; DROP TABLE builds":1}}` + "\n", `unknown column "x; DROP TABLE builds"`},
			{"notJSON", head + "\n" + `{"table":"builds",` + "\n", "-:2: expected a row"},
			{"fraction", head + "\n" + `{"table":"builds","row":{"id":1.5,"service":"a","created_at":"","info":"{}","succeeded":1}}` + "\n", "is not an integer"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				dst := openTest(t, b)
				_, err := dst.Import(ctx, strings.NewReader(tc.in))
				if !inputerr.Is(err) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v; want an input error saying %q", err, tc.want)
				}
				if got, _ := dst.ListBuilds(ctx, "", 0); len(got) != 0 {
					t.Fatalf("a refused import wrote %d builds", len(got))
				}
			})
		}
		if _, err := src.Import(ctx, strings.NewReader(good)); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("import into a ledger with records: %v", err)
		}
		var ie *inputerr.Error
		if _, err := src.Import(ctx, strings.NewReader(good)); errors.As(err, &ie) {
			t.Fatalf("a non-empty ledger is not an input error of the export: %v", err)
		}
	})
}

// FuzzImport: no input makes Import panic, and whatever it accepts exports
// again (into an empty SQLite ledger).
func FuzzImport(f *testing.F) {
	f.Add(`{"ledger":"pinwheel","schema":4}` + "\n" + `{"table":"builds","row":{"id":1,"service":"a","created_at":"","info":"{}","succeeded":1}}` + "\n")
	f.Add(`{"ledger":"pinwheel","schema":4}` + "\n" + `{"table":"releases","row":{"id":"a-1","service":"a","seq":1,"created_at":"","info":"{}","state":"new","known_good":0}}`)
	f.Add(`{"ledger":"pinwheel"}`)
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		s := openAt(t, filepath.Join(t.TempDir(), "f.db"))
		if _, err := s.Import(context.Background(), strings.NewReader(in)); err != nil {
			return
		}
		export(t, s)
	})
}
