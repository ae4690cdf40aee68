package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite" // to run PRAGMA integrity_check on the ledger file

	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/pgtest"
)

// buildPinwheel builds cmd/pinwheel into dir and returns the binary's path.
func buildPinwheel(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "pinwheel")
	build := exec.Command("go", "build", "-o", bin, "pinwheel.dev/pinwheel/cmd/pinwheel")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// seedActiveRollout records release svc-1 and an unfinished rollout of it.
func seedActiveRollout(t *testing.T, db, service string) ledger.Rollout {
	t.Helper()
	ctx := context.Background()
	s, err := ledgerdb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rel, err := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: service}})
	if err != nil {
		t.Fatal(err)
	}
	ro, err := s.StartRollout(ctx, ledger.Rollout{Service: service, ReleaseID: rel.ID, Target: "local", Phase: "Paused"})
	if err != nil {
		t.Fatal(err)
	}
	return ro
}

// procsBackend is a ledger store the process tests run against: where a
// new ledger is (given a scratch dir) and how to check it is intact.
type procsBackend struct {
	name      string
	location  func(t *testing.T, dir string) string
	integrity func(t *testing.T, where string)
}

var procsBackends = []procsBackend{
	{"sqlite", func(t *testing.T, dir string) string { return filepath.Join(dir, "elsewhere", "ledger.db") }, assertIntegrity},
	{"postgres", func(t *testing.T, _ string) string { return pgtest.Database(t) }, assertNoWriteLockHeld},
}

// TestPinwheelProcessesOnOneLedger runs real pinwheel processes against one
// ledger: a file, and a PostgreSQL database.
func TestPinwheelProcessesOnOneLedger(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pinwheel and starts processes")
	}
	bin := buildPinwheel(t, t.TempDir())
	for _, b := range procsBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Run("concurrent_writers_and_readers", func(t *testing.T) { concurrentWritersAndReaders(t, bin, b) })
			t.Run("kill_9_at_any_point", func(t *testing.T) { killedWriters(t, bin, b) })
		})
	}
}

// concurrentWritersAndReaders starts promote and abort writers and history
// and status readers at once: every writer's command is stored exactly
// once, every reader succeeds, and the file passes SQLite's integrity check.
func concurrentWritersAndReaders(t *testing.T, bin string, b procsBackend) {
	dir := t.TempDir()
	db := b.location(t, dir)
	ro := seedActiveRollout(t, db, "svc")

	type run struct {
		args []string
		out  []byte
		err  error
	}
	var runs []*run
	const writersPerKind, readers = 6, 4
	for i := 0; i < writersPerKind; i++ {
		for _, kind := range []string{"promote", "abort"} {
			runs = append(runs, &run{args: []string{kind, "svc", "--ledger", db, "-o", "json", "--reason", fmt.Sprintf("%s-%d", kind, i)}})
		}
	}
	for i := 0; i < readers; i++ {
		runs = append(runs, &run{args: []string{"history", "--ledger", db, "-o", "json"}})
		runs = append(runs, &run{args: []string{"status", "--ledger", db, "-o", "json"}})
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			cmd := exec.Command(bin, r.args...)
			cmd.Dir = dir // no pinwheel.yaml: history/status pick the ledger's only service
			var stderr strings.Builder
			cmd.Stderr = &stderr
			r.out, r.err = cmd.Output()
			if r.err != nil {
				r.err = fmt.Errorf("%w: %s", r.err, stderr.String())
			}
		}()
	}
	close(start)
	wg.Wait()

	var ids []int64
	for _, r := range runs {
		if r.err != nil {
			t.Fatalf("pinwheel %s: %v", strings.Join(r.args, " "), r.err)
		}
		switch r.args[0] {
		case "promote", "abort":
			var got struct {
				Command int64 `json:"command"`
				Rollout int64 `json:"rollout"`
			}
			if err := json.Unmarshal(r.out, &got); err != nil || got.Rollout != ro.ID || got.Command == 0 {
				t.Fatalf("pinwheel %s printed %s (%v)", strings.Join(r.args, " "), r.out, err)
			}
			ids = append(ids, got.Command)
		case "history":
			var hs []json.RawMessage
			if err := json.Unmarshal(r.out, &hs); err != nil || len(hs) != 1 {
				t.Fatalf("history printed %s (%v), want the one rollout", r.out, err)
			}
		case "status":
			if !strings.Contains(string(r.out), `"svc"`) {
				t.Fatalf("status printed %s, want service svc", r.out)
			}
		}
	}

	ctx := context.Background()
	s, err := ledgerdb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	taken, err := s.TakeCommands(ctx, "svc", ro.ID)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	var stored []int64
	reasons := map[string]bool{}
	for _, c := range taken {
		stored = append(stored, c.ID)
		var body struct {
			Reason string `json:"reason"`
		}
		json.Unmarshal(c.Body, &body)
		reasons[body.Reason] = true
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	if fmt.Sprint(stored) != fmt.Sprint(ids) || len(stored) != 2*writersPerKind {
		t.Fatalf("ledger holds commands %v, the processes reported %v (want %d, none lost or duplicated)", stored, ids, 2*writersPerKind)
	}
	if len(reasons) != 2*writersPerKind {
		t.Fatalf("distinct command bodies = %d, want %d: %v", len(reasons), 2*writersPerKind, reasons)
	}
	b.integrity(t, db)
}

// killedWriters SIGKILLs half of a burst of promote processes at whatever
// point each has reached (starting, opening, migrating or writing): every command a process reported is stored, none twice, the file
// passes the integrity check and the next promote still works.
func killedWriters(t *testing.T, bin string, b procsBackend) {
	dir := t.TempDir()
	db := b.location(t, dir)
	ro := seedActiveRollout(t, db, "svc")
	const procs, lag = 24, 6
	cmds := make([]*exec.Cmd, procs)
	outs := make([]*strings.Builder, procs)
	for i := range cmds {
		outs[i] = &strings.Builder{}
		cmds[i] = exec.Command(bin, "promote", "svc", "--ledger", db, "-o", "json", "--reason", fmt.Sprintf("p%d", i))
		cmds[i].Stdout = outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
		// Kill every other one once a few more have started, so the kills
		// land at different points of the victims' runs.
		if i >= lag && (i-lag)%2 == 0 {
			cmds[i-lag].Process.Kill()
		}
	}
	reported := map[int64]bool{}
	for i, c := range cmds {
		err := c.Wait()
		var got struct {
			Command int64 `json:"command"`
		}
		if json.Unmarshal([]byte(outs[i].String()), &got) == nil && got.Command != 0 {
			// A process may be killed after it committed and printed: its
			// command was reported, so it must be stored.
			reported[got.Command] = true
		} else if err == nil {
			t.Fatalf("promote %d exited 0 without reporting its command: %q", i, outs[i].String())
		}
	}
	if unkilled := procs - (procs-lag+1)/2; len(reported) < unkilled {
		t.Fatalf("only %d of the %d unkilled promotes reported a command", len(reported), unkilled)
	}
	b.integrity(t, db)
	out, err := exec.Command(bin, "promote", "svc", "--ledger", db, "-o", "json").Output()
	if err != nil {
		t.Fatalf("promote after the kills: %v", err)
	}
	var last struct {
		Command int64 `json:"command"`
	}
	json.Unmarshal(out, &last)
	reported[last.Command] = true

	ctx := context.Background()
	s, err := ledgerdb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	taken, err := s.TakeCommands(ctx, "svc", ro.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]bool{}
	for _, c := range taken {
		if stored[c.ID] {
			t.Fatalf("command %d stored twice", c.ID)
		}
		stored[c.ID] = true
	}
	for id := range reported {
		if !stored[id] {
			t.Errorf("command %d was reported committed but is not in the ledger", id)
		}
	}
	t.Logf("%d commands stored, %d reported (the rest killed before their commit or before printing it)", len(stored), len(reported))
	if len(stored) > procs+1 {
		t.Fatalf("%d commands stored from %d processes", len(stored), procs+1)
	}
}

// assertNoWriteLockHeld: the sessions of killed pinwheel processes ended on
// the server with their transactions and the ledger's write lock.
func assertNoWriteLockHeld(t *testing.T, where string) {
	t.Helper()
	ctx := context.Background()
	s, err := ledgerdb.Open(ctx, where, ledger.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := pgtest.WaitNoAdvisoryLocks(ctx, s.(interface{ DB() *sql.DB }).DB()); err != nil {
		t.Fatalf("the ledger's write lock: %v", err)
	}
}

func assertIntegrity(t *testing.T, db string) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
}

// TestServiceDefaultsToTheLedgersOnlyService covers history/status run
// outside a project: the only service in the ledger is taken; with two, the
// error names them.
func TestServiceDefaultsToTheLedgersOnlyService(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ledger.db")
	seedActiveRollout(t, db, "svc")
	for _, cmd := range []string{"history", "status"} {
		code, out, errOut := runCheckCLI(t, cmd, "--ledger", db)
		if code != 0 || !strings.Contains(out, "svc-1") {
			t.Fatalf("%s without SERVICE: exit %d\n%s%s", cmd, code, out, errOut)
		}
	}
	seedActiveRollout(t, db, "api")
	code, _, errOut := runCheckCLI(t, "history", "--ledger", db)
	if code != ExitUsage || !strings.Contains(errOut, "api, svc") {
		t.Fatalf("history with two services: exit %d, %s (want 2 naming api, svc)", code, errOut)
	}
	code, _, errOut = runCheckCLI(t, "history", "--ledger", filepath.Join(dir, "none.db"))
	if code != ExitUsage || !strings.Contains(errOut, "no ledger") {
		t.Fatalf("history with no ledger: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Fatal("history created a ledger file")
	}
}
