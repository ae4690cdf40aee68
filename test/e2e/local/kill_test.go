package local_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// TestKilledDeployResumes kills `pinwheel deploy` with SIGKILL at random
// points of a rollout, resumes it, and finally lets two drivers resume it at
// once: the rollout ends in exactly one terminal state, promoted once.
func TestKilledDeployResumes(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	load := r.load()
	r.deploy(0, "--image", r.build("v1"))
	r.version("2.0.0", "")
	r.deploy(0, "--image", r.build("v2"), "--wait=false")

	seed := time.Now().UnixNano()
	t.Logf("kill points seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	for i := range 3 {
		cmd := exec.Command(pinwheelBin, "deploy", r.dir, "--resume")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		after := time.Duration(200+rng.IntN(8000)) * time.Millisecond
		time.Sleep(after)
		cmd.Process.Kill() // SIGKILL
		err := cmd.Wait()
		t.Logf("kill %d after %s: %v\n%s", i, after, err, out.String())
	}

	var wg sync.WaitGroup
	outs, codes := make([]string, 2), make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
			defer cancel()
			outs[i], codes[i] = r.run(ctx, "deploy", r.dir, "--resume")
		}()
	}
	wg.Wait()
	for i := range 2 {
		t.Logf("resumer %d exit %d:\n%s", i, codes[i], outs[i])
		if codes[i] != 0 && !bytes.Contains([]byte(outs[i]), []byte("no unfinished rollout")) {
			t.Errorf("resumer %d: exit %d", i, codes[i])
		}
	}
	stats := load.Stop()

	store := r.ledger()
	rs, err := store.ListRollouts(ctx, "shop", 10)
	if err != nil || len(rs) != 2 {
		t.Fatalf("rollouts = %+v, %v; want exactly 2 (v1, v2)", rs, err)
	}
	ro := rs[0]
	if ro.ReleaseID != "shop-2" || ro.Outcome != "promoted" || ro.FinishedAt.IsZero() {
		t.Fatalf("v2 rollout: release %s outcome %q phase %s", ro.ReleaseID, ro.Outcome, ro.Phase)
	}
	ds, _ := store.Decisions(ctx, ro.ID)
	promote, promoted, done := 0, 0, 0
	for i, d := range ds {
		if i > 0 && d.Seq <= ds[i-1].Seq {
			t.Errorf("decision seq %d after %d", d.Seq, ds[i-1].Seq)
		}
		switch {
		case d.Action == "promote":
			promote++
		case d.Action == "promoted":
			promoted++
		case d.Action == "done":
			done++
		}
	}
	if promote != 1 || promoted != 1 || done != 1 {
		for _, d := range ds {
			t.Logf("%d step %d %s %s: %s", d.Seq, d.Step, d.Phase, d.Action, d.Reason)
		}
		t.Fatalf("decisions: %d promote, %d promoted, %d done; want exactly one each", promote, promoted, done)
	}
	if live, _ := store.GetRelease(ctx, "shop", "current"); live.ID != "shop-2" {
		t.Errorf("live = %s, want shop-2", live.ID)
	}
	if stats.Failed != 0 {
		t.Errorf("under load through kills and resumes: %d of %d requests failed: %v", stats.Failed, stats.Requests, stats.ByStatus)
	}
}
