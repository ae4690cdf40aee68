package local_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/runtime/local"
)

// TestKilledRuntimeResumes kills `pinwheel up` (proxy and replica
// supervisor) and the `pinwheel deploy` driving a rollout with SIGKILL at a
// random point — a crashed laptop session — restarts the runtime, and
// resumes the rollout: it ends promoted exactly once, served by the
// restarted runtime.
func TestKilledRuntimeResumes(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.load() // analysis needs traffic; requests fail while the proxy is down
	r.deploy(0, "--image", r.build("v1"))
	r.version("2.0.0", "")
	image := r.build("v2")

	seed := time.Now().UnixNano()
	t.Logf("kill point seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	deploy := exec.Command(pinwheelBin, "deploy", r.dir, "--image", image)
	var out bytes.Buffer
	deploy.Stdout, deploy.Stderr = &out, &out
	if err := deploy.Start(); err != nil {
		t.Fatal(err)
	}
	after := time.Duration(300+rng.IntN(8000)) * time.Millisecond
	time.Sleep(after)
	r.killUp()
	deploy.Process.Kill()
	err := deploy.Wait()
	t.Logf("killed pinwheel up and deploy after %s (deploy: %v)\n%s", after, err, out.String())

	r.startUp()
	resumed := r.deploy(0, "--resume")
	t.Logf("resumed:\n%s", resumed)

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
	count := map[string]int{}
	for _, d := range ds {
		count[d.Action]++
	}
	if count["promote"] != 1 || count["promoted"] != 1 || count["done"] != 1 {
		t.Errorf("decisions: %v; want exactly one promote, promoted and done", count)
	}
	c, err := local.Dial(ctx, filepath.Join(r.dir, ".pinwheel"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.Observe(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if rel := o.Releases["shop-2"]; rel.Ready == 0 || rel.Ready != rel.Desired || o.Releases["shop-1"].Ready != 0 {
		t.Errorf("restarted runtime: %+v", o.Releases)
	}
	resp, err := http.Get(r.endpoint + "/api/version")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"replica": "shop-2-`)) {
		t.Errorf("proxy after resume: %d %s", resp.StatusCode, body)
	}
}
