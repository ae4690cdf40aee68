package target

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/rollout"
)

func TestOpen(t *testing.T) {
	for kind, want := range map[string]string{"": "*target.local", "local": "*target.local", "kube": "*target.kube", "k8s": "*target.kube", "kubernetes": "*target.kube"} {
		tg, err := Open(Options{Kind: kind})
		if err != nil || typeName(tg) != want {
			t.Errorf("Open(%q) = %s, %v; want %s", kind, typeName(tg), err, want)
		}
	}
	if _, err := Open(Options{Kind: "nomad"}); !inputerr.Is(err) || !strings.Contains(err.Error(), "unknown target") {
		t.Errorf("Open(nomad): %v, want an input error", err)
	}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

// seed records release shop-1 in a new ledger at db, with an unfinished
// rollout of it when active.
func seed(t *testing.T, db string, active bool) {
	t.Helper()
	ctx := context.Background()
	s, err := ledgerdb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rel, err := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop"}})
	if err != nil {
		t.Fatal(err)
	}
	if active {
		if _, err := s.StartRollout(ctx, ledger.Rollout{Service: "shop", ReleaseID: rel.ID, Target: "local", Phase: "Paused"}); err != nil {
			t.Fatal(err)
		}
	}
}

// taken are the commands the driver of shop's rollout #1 would take.
func taken(t *testing.T, db string) []rollout.Command {
	t.Helper()
	s, err := ledgerdb.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cs, err := s.TakeCommands(context.Background(), "shop", 1)
	if err != nil {
		t.Fatal(err)
	}
	var out []rollout.Command
	for _, c := range cs {
		var rc rollout.Command
		if err := json.Unmarshal(c.Body, &rc); err != nil {
			t.Fatal(err)
		}
		out = append(out, rc)
	}
	return out
}

// The local target queues promote and rollback for the driver in the
// ledger, reporting them as text and JSON; with no rollout in progress
// promote is No, and rollback --to during a rollout is an input error.
func TestLocalCommandsQueueInTheLedger(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "ledger.db")
	seed(t, db, true)
	tg, err := Open(Options{Ledger: db})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := tg.Command(ctx, CommandRequest{Arg: "shop", Kind: rollout.CommandPromote, Reason: "looks good"})
	if err != nil || !strings.HasPrefix(rep.Text, "queued promote for rollout #1 of shop ((none) → shop-1, Paused) as command 1;") || rep.No {
		t.Fatalf("promote: %+v, %v", rep, err)
	}
	if j, _ := json.Marshal(rep.JSON); string(j) != `{"command":1,"kind":"promote","rollout":1}` {
		t.Errorf("promote JSON %s", j)
	}
	if _, err := tg.Rollback(ctx, RollbackRequest{Arg: "shop", To: "shop-1"}); !inputerr.Is(err) || !strings.Contains(err.Error(), "--to applies only between rollouts") {
		t.Errorf("rollback --to during a rollout: %v", err)
	}
	rep, err = tg.Rollback(ctx, RollbackRequest{Arg: "shop"})
	if j, _ := json.Marshal(rep.JSON); err != nil || !strings.Contains(rep.Text, "queued rollback for rollout #1 of shop as command 2") || string(j) != `{"command":2,"kind":"rollback","rollout":1}` {
		t.Fatalf("rollback: %+v %s, %v", rep, j, err)
	}
	got := taken(t, db)
	if len(got) != 2 || got[0].Kind != rollout.CommandPromote || got[0].Reason != "looks good" || got[1].Kind != rollout.CommandRollback {
		t.Fatalf("the ledger queued %+v, want promote (looks good) then rollback", got)
	}

	idle := filepath.Join(t.TempDir(), "ledger.db")
	seed(t, idle, false)
	tg, _ = Open(Options{Ledger: idle})
	_, err = tg.Command(ctx, CommandRequest{Arg: "shop", Kind: rollout.CommandAbort})
	var no *No
	if !errors.As(err, &no) || err.Error() != "shop has no rollout in progress" {
		t.Fatalf("abort with nothing in progress: %v, want No", err)
	}
	_, err = tg.Rollback(ctx, RollbackRequest{Arg: "shop"})
	if !errors.As(err, &no) || !strings.Contains(err.Error(), "no known-good release other than the live one") {
		t.Fatalf("rollback with nothing known-good: %v, want No", err)
	}
}
