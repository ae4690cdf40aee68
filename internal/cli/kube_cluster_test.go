package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/pgtest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgsVar); args != "" {
		os.Exit(childMain(strings.Split(args, "\n")))
	}
	kubetest.Main(m, pgtest.Stop)
}

const (
	kubeImageA = "registry.invalid/shop@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	kubeImageB = "registry.invalid/shop@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	kubeImageC = "registry.invalid/shop@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
)

// kubeEnv is a namespace with the Release CRD and a running stable
// Deployment "shop" of kubeImageA.
func kubeEnv(t *testing.T) *kubetest.Env {
	t.Helper()
	e := kubetest.NewEnv(t)
	e.InstallReleaseCRD(t)
	e.CreateDeployment(t, kubetest.Deployment(e.Namespace, "shop", kubeImageA, 2))
	return e
}

// kubeArgs are the connection flags for e, with the controller lease in
// e's namespace so that tests sharing the cluster never see each other's.
func kubeArgs(e *kubetest.Env, args ...string) []string {
	return append(args, "--target", "kube", "--kubeconfig", e.Kubeconfig, "--namespace", e.Namespace)
}

func getKubeRelease(t *testing.T, e *kubetest.Env, name string) *v1alpha1.Release {
	t.Helper()
	var r v1alpha1.Release
	if err := e.Client.Get(context.Background(), client.ObjectKey{Namespace: e.Namespace, Name: name}, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func releaseNameOf(image string) string {
	return "shop-" + image[strings.Index(image, ":")+1:][:12]
}

// deploy --target kube with no controller in the cluster runs one
// in-process: the Release is built from the project, each decision is
// printed as it lands, the command exits 0 once promoted, and status and
// history read the result back.
func TestKubeDeployInProcessPromotes(t *testing.T) {
	e := kubeEnv(t)
	dir := kubeProject(t, timedSteps)
	info := filepath.Join(t.TempDir(), "build.json")
	os.WriteFile(info, []byte(`{"buildInfo": {"service": "shop", "version": "2.0.0", "gitCommit": "9d4c0ffee5", "lockHash": "sha256:10c4"}, "digest": "`+kubeImageB[strings.Index(kubeImageB, "@")+1:]+`"}`), 0o644)
	out, errOut, code := runCLI(t, kubeArgs(e, "deploy", dir, "--image", kubeImageB, "--build-info", info, "--lease-namespace", e.Namespace)...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	name := releaseNameOf(kubeImageB)
	for _, want := range []string{
		"release " + name + " of shop (" + kubeImageB + ") created in namespace " + e.Namespace,
		"controller: in-process pinwheel-cli_",
		"step 0  Progressing  start     rolling out " + name + " (stable: shop-initial) in 3 steps",
		"step 1  Paused       step      step 1: pause for 1s",
		"release " + name + " of shop: promoted",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	rel := getKubeRelease(t, e, name)
	s := rel.Spec
	if s.Service != "shop" || s.Image != kubeImageB || rel.Labels["pinwheel.dev/service"] != "shop" {
		t.Errorf("spec %+v labels %v", s, rel.Labels)
	}
	if len(s.Strategy.Steps) != 3 || ptr.Deref(s.Strategy.Steps[0].SetWeight, 0) != 50 || s.Strategy.Steps[1].Pause == nil {
		t.Errorf("strategy %+v: want pinwheel.yaml's 3 steps", s.Strategy.Steps)
	}
	if b := s.BuildInfo; b.GitCommit != "9d4c0ffee5" || b.LockHash != "sha256:10c4" || b.ImageRef != kubeImageB {
		t.Errorf("build info %+v", b)
	}
	if rel.Status.Phase != "Promoted" {
		t.Fatalf("phase %s: %s", rel.Status.Phase, rel.Status.Message)
	}
	// Every decision of the Release was printed, once, in order.
	var printed []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "  ") && strings.Contains(l, "  step ") {
			printed = append(printed, l)
		}
	}
	if len(printed) != len(rel.Status.Decisions) {
		t.Errorf("printed %d decisions, the Release has %d:\n%s", len(printed), len(rel.Status.Decisions), out)
	}
	for i, d := range rel.Status.Decisions {
		if i < len(printed) && !strings.HasSuffix(printed[i], d.Reason) {
			t.Errorf("decision %d printed as %q, want reason %q", i, printed[i], d.Reason)
		}
	}
	var dep appsv1.Deployment
	e.Client.Get(context.Background(), client.ObjectKey{Namespace: e.Namespace, Name: "shop"}, &dep)
	if img := dep.Spec.Template.Spec.Containers[0].Image; img != kubeImageB {
		t.Errorf("stable Deployment runs %s after promotion, want %s", img, kubeImageB)
	}

	// status: the namespace's table, then the Release.
	out, _, code = runCLI(t, kubeArgs(e, "status")...)
	if code != 0 || !regexpLine(out, name+`\s+shop\s+Promoted\s+3/3\s+`) {
		t.Errorf("status table (exit %d):\n%s", code, out)
	}
	out, _, code = runCLI(t, kubeArgs(e, "status", name)...)
	if code != 0 || !strings.Contains(out, "phase       Promoted") || !strings.Contains(out, "image       "+kubeImageB) ||
		!strings.Contains(out, fmt.Sprintf("decisions (newest %d of %d)", min(8, len(rel.Status.Decisions)), len(rel.Status.Decisions))) {
		t.Errorf("status %s (exit %d):\n%s", name, code, out)
	}
	out, _, code = runCLI(t, kubeArgs(e, "status", name, "-o", "json")...)
	var got v1alpha1.Release
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got.Status.Phase != "Promoted" || got.Name != name {
		t.Errorf("status -o json (exit %d):\n%s", code, out)
	}
	// history: the service's Releases (of this project's service, newest first).
	out, _, code = runCLI(t, kubeArgs(e, "history", "shop")...)
	if code != 0 || !regexpLine(out, name+`\s+2\.0\.0\s+9d4c0ffee5\s+shop-initial\s+promoted\s`) {
		t.Errorf("history (exit %d):\n%s", code, out)
	}

	// The same image again, now that its Release has ended (back to it
	// after a later release, say): a new Release, "<name>-2".
	out, errOut, code = runCLI(t, kubeArgs(e, "deploy", dir, "--image", kubeImageB, "--wait=false", "--controller=none")...)
	if code != 0 || !strings.Contains(out, "release "+name+"-2 of shop") {
		t.Errorf("second deploy of the same image: exit %d\n%s%s", code, out, errOut)
	}
	if again := getKubeRelease(t, e, name+"-2"); again.Spec.Image != kubeImageB {
		t.Errorf("%s-2 rolls out %s", name, again.Spec.Image)
	}
}

// With a live controller holding the lease, auto only follows (the
// controller here is a real one run by the test, standing in for the
// in-cluster Deployment), and in-process refuses before creating anything.
func TestKubeDeployLiveController(t *testing.T) {
	e := kubeEnv(t)
	dir := kubeProject(t, timedSteps)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := controller.Run(ctx, e.Config, controller.Options{LeaderElection: true, LeaseNamespace: e.Namespace,
			Identity: "in-cluster-controller-0", Namespace: e.Namespace}); err != nil {
			t.Errorf("controller: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
	kubetest.Eventually(t, "the controller holds the lease", func() (bool, string) {
		h, held, err := controller.LeaseHolder(context.Background(), e.Config, e.Namespace, "pinwheel-controller")
		return held && h == "in-cluster-controller-0", fmt.Sprintf("holder %q held %v err %v", h, held, err)
	})

	out, errOut, code := runCLI(t, kubeArgs(e, "deploy", dir, "--image", kubeImageC, "--controller", "in-process", "--lease-namespace", e.Namespace)...)
	if code != ExitUsage || !strings.Contains(errOut, "in-cluster-controller-0 holds the controller lease") {
		t.Errorf("--controller=in-process under a live holder: exit %d\n%s%s", code, out, errOut)
	}
	var list v1alpha1.ReleaseList
	if err := e.Client.List(context.Background(), &list, client.InNamespace(e.Namespace)); err != nil || len(list.Items) != 0 {
		t.Fatalf("a refused deploy left %d releases (%v)", len(list.Items), err)
	}

	out, errOut, code = runCLI(t, kubeArgs(e, "deploy", dir, "--image", kubeImageC, "--lease-namespace", e.Namespace)...)
	if code != 0 || !strings.Contains(out, "controller: in-cluster in-cluster-controller-0") || !strings.Contains(out, ": promoted") {
		t.Errorf("auto under a live holder: exit %d\n%s%s", code, out, errOut)
	}
}

// A Lease another process holds (written by the test, renewed now) is
// what in-process refuses on; an expired one is not.
func TestKubeDeployLeaseHeldByOther(t *testing.T) {
	e := kubeEnv(t)
	dir := kubeProject(t, timedSteps)
	// Before any lease: what an in-process controller needs is checked
	// before the Release is created.
	_, errOut, code := runCLI(t, kubeArgs(e, "deploy", dir, "--image", kubeImageB, "--lease-namespace", "no-such-namespace")...)
	if code != ExitUsage || !strings.Contains(errOut, "namespace no-such-namespace does not exist") {
		t.Errorf("missing lease namespace: exit %d %s", code, errOut)
	}
	analysed := kubeProject(t, "    - setWeight: 50\n    - analysis: {checks: [error-rate]}\n  checks:\n    - {name: error-rate, kind: threshold, query: error_rate, max: 0.02}")
	_, errOut, code = runCLI(t, kubeArgs(e, "deploy", analysed, "--image", kubeImageB, "--lease-namespace", e.Namespace)...)
	if code != ExitUsage || !strings.Contains(errOut, "runtime.metrics: the rollout has analysis steps") {
		t.Errorf("analysis without a metrics provider: exit %d %s", code, errOut)
	}
	var none v1alpha1.ReleaseList
	if err := e.Client.List(context.Background(), &none, client.InNamespace(e.Namespace)); err != nil || len(none.Items) != 0 {
		t.Fatalf("refused deploys left %d releases (%v)", len(none.Items), err)
	}
	now := metav1.NewMicroTime(time.Now())
	lease := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "pinwheel-controller", Namespace: e.Namespace},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To("pinwheel-controller-7d9f-x2"), LeaseDurationSeconds: ptr.To(int32(3600)),
			AcquireTime: &now, RenewTime: &now}}
	if err := e.Client.Create(context.Background(), lease); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, kubeArgs(e, "deploy", dir, "--image", kubeImageB, "--controller=in-process", "--lease-namespace", e.Namespace)...)
	if code != ExitUsage || !strings.Contains(errOut, "pinwheel-controller-7d9f-x2 holds the controller lease "+e.Namespace+"/pinwheel-controller") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	// auto trusts the holder and only creates and (here) returns.
	out, errOut, code = runCLI(t, kubeArgs(e, "deploy", dir, "--image", kubeImageB, "--wait=false", "--lease-namespace", e.Namespace)...)
	name := releaseNameOf(kubeImageB)
	if code != 0 || !strings.Contains(out, "release "+name+" of shop") || strings.Contains(out, "note: no in-cluster controller") {
		t.Errorf("auto --wait=false under a live holder: exit %d\n%s%s", code, out, errOut)
	}
	getKubeRelease(t, e, name)
	// The same image while it is (still) running: refused with exit 2
	// (nothing was decided: not a rollback).
	out, errOut, code = runCLI(t, kubeArgs(e, "deploy", dir, "--image", kubeImageB, "--controller=none", "--lease-namespace", e.Namespace)...)
	if code != ExitUsage || !strings.Contains(errOut, "is already rolling out") {
		t.Errorf("same image while running: exit %d\n%s%s", code, out, errOut)
	}
}

// promote, abort and rollback --target kube write the command annotation
// with a fresh id on the running Release (named, or the service's).
func TestKubeCommandsAnnotate(t *testing.T) {
	e := kubeEnv(t)
	dir := kubeProject(t, timedSteps)
	if out, errOut, code := runCLI(t, kubeArgs(e, "deploy", dir, "--image", kubeImageB, "--wait=false", "--controller=none")...); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	name := releaseNameOf(kubeImageB)
	ids := map[string]bool{}
	for _, tc := range []struct {
		args []string
		kind rollout.CommandKind
	}{
		{[]string{"promote", name, "--reason", "looks fine"}, rollout.CommandPromote},
		{[]string{"abort", "shop"}, rollout.CommandAbort},
		{[]string{"rollback", name}, rollout.CommandRollback},
		{[]string{"promote", name}, rollout.CommandPromote},
	} {
		out, errOut, code := runCLI(t, kubeArgs(e, tc.args...)...)
		if code != 0 || !strings.Contains(out, fmt.Sprintf("asked %s of release %s", tc.kind, name)) {
			t.Fatalf("%v: exit %d\n%s%s", tc.args, code, out, errOut)
		}
		rel := getKubeRelease(t, e, name)
		cmd, err := v1alpha1.ParseCommand(rel.Annotations[v1alpha1.AnnotationCommand])
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if cmd.Kind != tc.kind || ids[cmd.ID] || cmd.By == "" || !strings.Contains(out, "as command "+cmd.ID) {
			t.Errorf("%v: annotation %+v (ids so far %v)", tc.args, cmd, ids)
		}
		if tc.args[0] == "promote" && len(tc.args) > 2 && cmd.Reason != "looks fine" {
			t.Errorf("reason %q", cmd.Reason)
		}
		ids[cmd.ID] = true
	}
	_, errOut, code := runCLI(t, kubeArgs(e, "rollback", "--to", "shop-1")...)
	if code != ExitUsage || !strings.Contains(errOut, "not available on kube") {
		t.Errorf("rollback --to: exit %d %s", code, errOut)
	}
	_, errOut, code = runCLI(t, kubeArgs(e, "promote", "cart")...)
	if code != ExitUsage || !strings.Contains(errOut, `no release or service "cart"`) {
		t.Errorf("promote cart: exit %d %s", code, errOut)
	}

	// Once the Release has ended: promote is a no (exit 1), rollback says
	// going back is not done on kube (exit 2).
	rel := getKubeRelease(t, e, name)
	if err := rel.Status.SetEngineStatus(rollout.Status{Phase: rollout.Promoted, StepIndex: 3}, 3, rel.Generation); err != nil {
		t.Fatal(err)
	}
	if err := e.Client.Status().Update(context.Background(), rel); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runCLI(t, kubeArgs(e, "promote", name)...)
	if code != ExitNo || !strings.Contains(errOut, "is Promoted already") {
		t.Errorf("promote of a promoted release: exit %d %s", code, errOut)
	}
	_, errOut, code = runCLI(t, kubeArgs(e, "rollback", "shop")...)
	if code != ExitUsage || !strings.Contains(errOut, "deploy its image again") {
		t.Errorf("rollback with nothing running: exit %d %s", code, errOut)
	}
}

// Ctrl-C during a followed rollout: exit 1 saying the Release stays where it
// is, the in-process controller gone and its lease given up, the Release
// untouched (still paused, not rolled back).
func TestKubeDeployInterrupted(t *testing.T) {
	e := kubeEnv(t)
	dir := kubeProject(t, "    - setWeight: 50\n    - pause: {}\n    - setWeight: 100")
	name := releaseNameOf(kubeImageB)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			var r v1alpha1.Release
			if e.Client.Get(ctx, client.ObjectKey{Namespace: e.Namespace, Name: name}, &r) == nil && r.Status.Phase == "Paused" {
				cancel()
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	var out, errb strings.Builder
	code := Execute(ctx, Streams{In: strings.NewReader(""), Out: &out, Err: &errb},
		kubeArgs(e, "deploy", dir, "--image", kubeImageB, "--lease-namespace", e.Namespace))
	if code != ExitNo || !strings.Contains(errb.String(), "interrupted: release "+name+" stays in the cluster where it is") {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "step 1  Paused       step      step 1: paused until resumed or promoted") {
		t.Errorf("stdout lacks the pause decision:\n%s", out.String())
	}
	if rel := getKubeRelease(t, e, name); rel.Status.Phase != "Paused" {
		t.Errorf("after Ctrl-C the release is %s, want it left Paused", rel.Status.Phase)
	}
	holder, held, err := controller.LeaseHolder(context.Background(), e.Config, e.Namespace, "pinwheel-controller")
	if err != nil || held {
		t.Errorf("lease after Ctrl-C: holder %q held %v (%v); want it given up", holder, held, err)
	}
}
