package drift

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/kube"
)

func TestMain(m *testing.M) { kubetest.Main(m) }

const (
	imageV0 = "registry.example/shop:v0"
	digestA = "registry.example/shop@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	digestX = "registry.example/shop@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
)

// kinds lists the findings as "kind object".
func kinds(r Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, string(f.Kind)+" "+f.Object)
	}
	return out
}

// drift finds a Deployment edited by hand (kubectl edit, run with an
// editor that swaps the image) and scaled by hand (kubectl scale) since
// pinwheel promoted a release on it, on the real control plane; and
// nothing once pinwheel applies the release again.
func TestKubeDriftFindsAHandEditedDeployment(t *testing.T) {
	e := kubetest.NewEnv(t)
	kubectl := kubetest.Kubectl(t)
	e.InstallReleaseCRD(t)
	ctx := context.Background()
	e.CreateDeployment(t, kubetest.Deployment(e.Namespace, "shop", imageV0, 2))
	rel := &v1alpha1.Release{ObjectMeta: metav1.ObjectMeta{Name: "shop-1", Namespace: e.Namespace},
		Spec: v1alpha1.ReleaseSpec{Service: "shop", Image: digestA, BuildInfo: v1alpha1.BuildInfo{Service: "shop"},
			Strategy: v1alpha1.Strategy{Steps: []v1alpha1.Step{{SetWeight: ptrTo[int32](100)}}}}}
	if err := e.Client.Create(ctx, rel); err != nil {
		t.Fatal(err)
	}
	tgt := kube.New(e.Client, e.Clientset, e.Namespace, kube.WithRecorder(e.Recorder))
	v1 := runtime.Release{ID: "shop-1", Artifact: runtime.Artifact{Image: digestA}, BuildInfo: attest.BuildInfo{Service: "shop"}}
	apply := func() {
		kubetest.Eventually(t, "shop-1 stable on 2 replicas", func() (bool, string) {
			if err := tgt.Apply(ctx, runtime.Desired{Service: "shop", Stable: &v1, Replicas: 2}); err != nil {
				return false, err.Error()
			}
			obs, err := tgt.Observe(ctx, "shop")
			if err != nil {
				return false, err.Error()
			}
			return obs.Converged, fmt.Sprintf("%+v", obs)
		})
	}
	apply()
	r, err := Kube(ctx, e.Client, e.Namespace)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 0 || !slices.Contains(r.Checked, "deployment "+e.Namespace+"/shop") {
		t.Fatalf("after pinwheel's apply: findings %v, checked %v", kinds(r), r.Checked)
	}

	run := func(env []string, args ...string) {
		t.Helper()
		cmd := exec.Command(kubectl, append([]string{"--kubeconfig", e.Kubeconfig, "-n", e.Namespace}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("kubectl %v: %v\n%s", args, err, out)
		}
	}
	hex := strings.TrimPrefix(digestA, "registry.example/shop@sha256:")
	run([]string{"KUBE_EDITOR=sed -i s/" + hex + "/" + strings.Repeat("c", 64) + "/"}, "edit", "deployment/shop")
	run(nil, "scale", "deployment/shop", "--replicas=3")

	dep := "deployment " + e.Namespace + "/shop"
	kubetest.Eventually(t, "the hand edit's pods", func() (bool, string) {
		r, err = Kube(ctx, e.Client, e.Namespace)
		if err != nil {
			return false, err.Error()
		}
		return slices.ContainsFunc(r.Findings, func(f Finding) bool { return strings.HasPrefix(f.Object, "pod ") }), fmt.Sprint(kinds(r))
	})
	got := kinds(r)
	for _, want := range []string{"template-edited " + dep, "replicas-off-spec " + dep, "unknown-image " + dep} {
		if !slices.Contains(got, want) {
			t.Errorf("findings %v lack %q", got, want)
		}
	}
	for _, f := range r.Findings {
		if f.Kind == UnknownImage && f.Got != digestX || f.Kind == ReplicasOffSpec && (f.Want != "2" || f.Got != "3") {
			t.Errorf("finding %+v", f)
		}
		if f.Kind == TemplateEdited && f.Release != "shop-1" {
			t.Errorf("template finding names release %q, want shop-1", f.Release)
		}
	}

	// pinwheel applies shop-1 again: the image and replicas are its own
	// again, and the new template is the one it recorded.
	apply()
	if r, err = Kube(ctx, e.Client, e.Namespace); err != nil || len(r.Findings) != 0 {
		t.Errorf("after pinwheel applied again: %v %v", kinds(r), err)
	}
}

func ptrTo[T any](v T) *T { return &v }
