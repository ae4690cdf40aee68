package kubee2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/promtest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// TestPrometheusStoppedNeverPromotes stops Prometheus once the analysis
// has measured a passing round of a good release: every later round's
// queries fail, so the release is never promoted — it rolls back once the
// errors exceed the consecutive-error limit, naming the unreachable
// Prometheus — and the stable Deployment is left as it was.
func TestPrometheusStoppedNeverPromotes(t *testing.T) {
	t.Parallel()
	r := newRig(t, 2)
	p := r.startPrometheus(map[string]promtest.Traffic{"shop-v1": load(0), "shop-v2": load(0)})
	r.startController(controller.Options{Metrics: p.provider})
	before := r.promoteV1()

	s := analysisStrategy(8)
	s.Analysis.ConsecutiveErrorLimit = ptrInt32(1)
	rel := newRelease(r.Namespace, "shop-v2", imageV2, s)
	w := r.watch(rel.Name)
	r.create(rel)
	kubetest.Eventually(t, "a passing analysis round", func() (bool, string) {
		got := r.release(rel.Name)
		return hasDecision(got, "measure", "1 pass"), got.Status.Phase + ": " + got.Status.Message
	})
	p.srv.Stop()

	got := r.waitPhase(rel.Name, terminal...)
	t.Logf("statuses seen: %v", w.history())
	if got.Status.Phase != string(rollout.RolledBack) || w.sawPhase(rollout.Promoting) || w.sawPhase(rollout.Promoted) {
		t.Fatalf("phase %s (seen %v), want RolledBack without promoting: %s", got.Status.Phase, w.history(), got.Status.Message)
	}
	reason := lastDecision(got, "rollback")
	t.Logf("rollback reason: %s", reason)
	if !strings.Contains(reason, "analysis errored") || !strings.Contains(reason, p.srv.Addr) {
		t.Errorf("rollback reason %q: want the analysis errors naming Prometheus at %s", reason, p.srv.Addr)
	}
	checkStableUntouched(t, r, before)
}

// TestPrometheusFrozenRollsBackAtProgressDeadline freezes Prometheus
// (SIGSTOP: it accepts connections and never answers, as a wedged server
// does) during the analysis: the round's measurements never arrive, and the
// progress deadline rolls the release back naming what it waited for.
func TestPrometheusFrozenRollsBackAtProgressDeadline(t *testing.T) {
	t.Parallel()
	r := newRig(t, 2)
	p := r.startPrometheus(map[string]promtest.Traffic{"shop-v1": load(0), "shop-v2": load(0)})
	r.startController(controller.Options{Metrics: p.provider})
	before := r.promoteV1()

	s := analysisStrategy(8)
	s.ProgressDeadline = &metav1.Duration{Duration: 15 * time.Second}
	rel := newRelease(r.Namespace, "shop-v2", imageV2, s)
	w := r.watch(rel.Name)
	r.create(rel)
	kubetest.Eventually(t, "a passing analysis round", func() (bool, string) {
		got := r.release(rel.Name)
		return hasDecision(got, "measure", "1 pass"), got.Status.Phase + ": " + got.Status.Message
	})
	pid := prometheusPID(t, p.srv)
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) }) // before promtest's Stop (cleanups run last-first)

	got := r.waitPhase(rel.Name, terminal...)
	t.Logf("statuses seen: %v", w.history())
	if got.Status.Phase != string(rollout.RolledBack) || w.sawPhase(rollout.Promoting) || w.sawPhase(rollout.Promoted) {
		t.Fatalf("phase %s (seen %v), want RolledBack without promoting: %s", got.Status.Phase, w.history(), got.Status.Message)
	}
	reason := lastDecision(got, "rollback")
	t.Logf("rollback reason: %s", reason)
	if !strings.Contains(reason, "progress deadline 15s exceeded") || !strings.Contains(reason, "measurements for round") {
		t.Errorf("rollback reason %q: want the progress deadline and the measurements it waited for", reason)
	}
	checkStableUntouched(t, r, before)
}

// checkStableUntouched: after a rollback the stable Deployment is as it
// was before the rollout — same generation, image and template labels.
func checkStableUntouched(t *testing.T, r *rig, before *appsv1.Deployment) {
	t.Helper()
	after := r.deployment("shop")
	if after.Generation != before.Generation || after.Spec.Template.Spec.Containers[0].Image != before.Spec.Template.Spec.Containers[0].Image ||
		fmt.Sprint(after.Spec.Template.Labels) != fmt.Sprint(before.Spec.Template.Labels) {
		t.Errorf("stable deployment changed by a rolled-back release: generation %d -> %d, image %s, template labels %v -> %v",
			before.Generation, after.Generation, after.Spec.Template.Spec.Containers[0].Image, before.Spec.Template.Labels, after.Spec.Template.Labels)
	}
}

// prometheusPID finds the pid of the prometheus process using srv's
// storage directory.
func prometheusPID(t *testing.T, srv *promtest.Server) int {
	t.Helper()
	want := "--storage.tsdb.path=" + filepath.Join(srv.Dir, "data")
	dirs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, arg := range strings.Split(string(b), "\x00") {
			if arg == want {
				pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
				return pid
			}
		}
	}
	t.Fatalf("no prometheus process with %s", want)
	return 0
}

func ptrInt32(v int32) *int32 { return &v }
