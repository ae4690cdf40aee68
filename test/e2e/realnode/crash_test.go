package realnode_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// TestControllerKilledMidAnalysisOnRealPods runs `pinwheel controller`
// (the binary, with leader election and --prometheus-url) and SIGKILLs it
// while the good release's canary is being analysed on real pods. A second
// process takes the Lease once the dead holder's expires and resumes from
// the Release's status: the analysis goes on from the rounds already
// recorded, and the release is promoted exactly once — one start, one
// promote decision, one update of the stable Deployment — and `kubectl
// rollout status` is green.
func TestControllerKilledMidAnalysisOnRealPods(t *testing.T) {
	r := newShopRig(t, 2)
	const lease = "pinwheel-realnode"
	first := r.startControllerProcess("ctl-1", lease)
	r.promote("shop-v1", buildShop(t, good1))
	v2 := buildShop(t, good2)
	before := r.GetDeployment(t, "shop")
	r.startLoad(2, 20*time.Millisecond)
	r.waitScraped("shop-v1")

	rel := newRelease(r.Namespace, "shop-v2", v2, canaryStrategy(4))
	r.create(rel)
	var measured []v1alpha1.Decision
	kubetest.Eventually(t, "shop-v2 analysing with a measured round", func() (bool, string) {
		got := r.release(rel.Name)
		measured = measures(got)
		return got.Status.Phase == string(rollout.Analyzing) && len(measured) >= 1,
			fmt.Sprintf("phase %s, %d measured rounds: %s", got.Status.Phase, len(measured), got.Status.Message)
	})
	if err := first.signal(syscall.SIGKILL); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("ctl-1 after SIGKILL: %v", err)
	}
	killedAt := r.release(rel.Name)
	measured = measures(killedAt)
	t.Logf("ctl-1 killed at step %d with %d measured rounds", killedAt.Status.Step, len(measured))

	second := r.startControllerProcess("ctl-2", lease)
	got := r.waitPhase(rel.Name, terminal...)
	if got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("phase %s after the restart: %s\n%s", got.Status.Phase, got.Status.Message, second.output())
	}
	if n := decisions(got, "start"); n != 1 {
		t.Errorf("%d start decisions: the rollout began again", n)
	}
	if n := decisions(got, "promote"); n != 1 {
		t.Errorf("%d promote decisions, want 1", n)
	}
	// Resumed: the rounds measured before the kill are still the first ones.
	after := measures(got)
	if len(after) < len(measured) {
		t.Fatalf("%d measured rounds after the restart, fewer than the %d before", len(after), len(measured))
	}
	for i := range measured {
		if !after[i].Time.Equal(&measured[i].Time) || after[i].Reason != measured[i].Reason {
			t.Errorf("measured round %d changed across the restart: %+v -> %+v", i, measured[i], after[i])
		}
	}
	checkPassedOnRealSeries(t, got, r.Namespace)
	if out := r.rolloutStatus(); !strings.Contains(out, `deployment "shop" successfully rolled out`) {
		t.Errorf("kubectl rollout status: %s", out)
	}
	stable := r.GetDeployment(t, "shop")
	if stable.Generation != before.Generation+1 || stable.Spec.Template.Spec.Containers[0].Image != v2.Ref {
		t.Errorf("stable: generation %d -> %d, image %s; want exactly one update to %s", before.Generation, stable.Generation,
			stable.Spec.Template.Spec.Containers[0].Image, v2.Ref)
	}
	r.checkPodsRun(v2, "shop-v2")
}

// TestCanaryPodKilledMidAnalysis deletes the canary's only pod (no grace
// period, as a node losing it would) while its analysis runs. The
// ReplicaSet replaces it on the real node, Prometheus finds the new pod
// through the API server and the analysis judges it: the good release is
// promoted on passing verdicts that each rest on enough real samples, the
// replacement pod's own series are among them, and no request through the
// Service was answered 5xx.
func TestCanaryPodKilledMidAnalysis(t *testing.T) {
	r := newShopRig(t, 2)
	r.startController(controller.Options{})
	r.promote("shop-v1", buildShop(t, good1))
	v2 := buildShop(t, good2)
	l := r.startLoad(2, 20*time.Millisecond)
	r.waitScraped("shop-v1")

	rel := newRelease(r.Namespace, "shop-v2", v2, canaryStrategy(4))
	r.create(rel)
	kubetest.Eventually(t, "shop-v2 analysing with a measured round", func() (bool, string) {
		got := r.release(rel.Name)
		return got.Status.Phase == string(rollout.Analyzing) && len(measures(got)) >= 1, got.Status.Phase + ": " + got.Status.Message
	})
	canary := r.pods("shop-v2")
	if len(canary) != 1 {
		t.Fatalf("%d canary pods, want 1", len(canary))
	}
	victim := canary[0]
	if err := r.Client.Delete(context.Background(), &victim, client.GracePeriodSeconds(0)); err != nil {
		t.Fatal(err)
	}
	killedRounds := len(measures(r.release(rel.Name)))
	var replacement string
	kubetest.Eventually(t, "a new canary pod Ready", func() (bool, string) {
		var seen []string
		for _, p := range r.pods("shop-v2") {
			seen = append(seen, podSummary(&p))
			if p.UID != victim.UID && podReady(&p) {
				replacement = p.Name
				return true, ""
			}
		}
		return false, strings.Join(seen, "; ")
	})
	t.Logf("canary pod %s killed after %d measured rounds; replaced by %s", victim.Name, killedRounds, replacement)

	got := r.waitPhase(rel.Name, terminal...)
	if got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("phase %s, want Promoted: %s", got.Status.Phase, got.Status.Message)
	}
	if n := len(measures(got)); n <= killedRounds {
		t.Errorf("%d measured rounds, none after the kill (%d before)", n, killedRounds)
	}
	checkPassedOnRealSeries(t, got, r.Namespace)
	if n, ok := r.promValue(`sum(max_over_time(http_requests_total{namespace="` + r.Namespace + `",pod="` + replacement + `"}[10m]))`); !ok || n < 1 {
		t.Errorf("the replacement canary pod %s served no request Prometheus saw: %v", replacement, n)
	}
	for k, n := range l.snapshot() {
		if strings.HasPrefix(k, "5") {
			t.Errorf("load got %d %q answers", n, k)
		}
	}
}

// measures are rel's "measure" decisions (analysis rounds), oldest first.
func measures(rel *v1alpha1.Release) []v1alpha1.Decision {
	var out []v1alpha1.Decision
	for _, d := range rel.Status.Decisions {
		if d.Action == "measure" {
			out = append(out, d)
		}
	}
	return out
}

// ctlProc is a `pinwheel controller` process kept running as a
// Deployment keeps its container running: when it exits on its own (a
// lease lost on a starved machine) it is started again after a second.
// Only signal stops it for good.
type ctlProc struct {
	mu       sync.Mutex
	cmd      *exec.Cmd
	exited   chan struct{}
	err      error
	stopping bool
	out      strings.Builder
}

// startControllerProcess runs the pinwheel binary's controller for the
// rig's namespace, with leader election on lease (10 s) there and the
// rig's Prometheus.
func (r *shopRig) startControllerProcess(identity, lease string) *ctlProc {
	r.t.Helper()
	args := []string{"controller", "--kubeconfig", r.Kubeconfig, "-n", r.Namespace,
		"--leader-elect", "--lease-namespace", r.Namespace, "--lease-name", lease, "--lease-duration", "10s",
		"--identity", identity, "--metrics-addr", "0", "--probe-addr", "", "--prometheus-url", r.prom.URL}
	p := &ctlProc{}
	if err := p.start(args); err != nil {
		r.t.Fatal(err)
	}
	go func() {
		for {
			p.mu.Lock()
			exited := p.exited
			p.mu.Unlock()
			<-exited
			time.Sleep(time.Second)
			p.mu.Lock()
			stop := p.stopping
			p.mu.Unlock()
			if stop || p.start(args) != nil {
				return
			}
		}
	}()
	r.t.Cleanup(func() {
		p.signal(syscall.SIGKILL)
		if r.t.Failed() {
			r.t.Logf("%s output:\n%s", identity, p.output())
		}
	})
	return p
}

func (p *ctlProc) start(args []string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopping {
		return fmt.Errorf("stopped")
	}
	cmd := exec.Command(pinwheelBin, args...)
	cmd.Stdout, cmd.Stderr = (*lockedWriter)(p), (*lockedWriter)(p)
	cmd.Env = os.Environ()
	if err := cmd.Start(); err != nil {
		return err
	}
	fmt.Fprintf(&p.out, "=== start pid %d\n", cmd.Process.Pid)
	exited := make(chan struct{})
	p.cmd, p.exited = cmd, exited
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.err = err
		fmt.Fprintf(&p.out, "=== pid %d exited: %v\n", cmd.Process.Pid, err)
		p.mu.Unlock()
		close(exited)
	}()
	return nil
}

// signal stops the restarts, sends sig and waits for the process; it
// returns how it exited.
func (p *ctlProc) signal(sig syscall.Signal) error {
	p.mu.Lock()
	p.stopping = true
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	_ = cmd.Process.Signal(sig)
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *ctlProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// lockedWriter appends a process's output to its ctlProc under its lock.
type lockedWriter ctlProc

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.out.Write(b)
}
