package kube

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// A namespace enforcing Pod Security "restricted" on the real API server
// admits the pods of everything pinwheel puts there: the controller as
// `kubectl apply -k deploy/` installs it, a release's canary Deployment
// (with a secretEnv variable from a Secret) and its smoke Job. A pod that
// breaks the profile is refused in the same namespace, so the admission
// really ran.
func TestClusterPodSecurityRestricted(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var ns corev1.Namespace
	if err := e.c.Get(ctx, client.ObjectKey{Name: e.ns}, &ns); err != nil {
		t.Fatal(err)
	}
	if ns.Labels == nil {
		ns.Labels = map[string]string{}
	}
	ns.Labels["pod-security.kubernetes.io/enforce"] = "restricted"
	ns.Labels["pod-security.kubernetes.io/enforce-version"] = "latest"
	if err := e.c.Update(ctx, &ns); err != nil {
		t.Fatal(err)
	}

	// The control: a pod with none of the profile's settings is refused.
	bare := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "bare", Namespace: e.ns},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: digestA}}}}
	err := e.c.Create(ctx, bare, client.DryRunAll)
	if err == nil || !strings.Contains(err.Error(), `violates PodSecurity "restricted:latest"`) {
		t.Fatalf("a non-compliant pod in a restricted namespace: err = %v, want it refused", err)
	}
	admitted := func(what string, spec corev1.PodSpec) {
		t.Helper()
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{GenerateName: "check-", Namespace: e.ns}, Spec: spec}
		if err := e.c.Create(ctx, pod, client.DryRunAll); err != nil {
			t.Errorf("%s: its pod is refused: %v", what, err)
		}
	}

	// The controller, from the shipped manifests.
	ctrl := installController(t, e)
	admitted("controller Deployment", ctrl.Spec.Template.Spec)
	e.waitPods(t, map[string]string{"app.kubernetes.io/name": "pinwheel-controller"}, int(*ctrl.Spec.Replicas))

	// The service's own Deployment, written as the namespace requires.
	d := stableDeployment(e.ns, "shop", 1)
	d.Spec.Template.Spec.Containers = d.Spec.Template.Spec.Containers[1:]
	d.Spec.Template.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	d.Spec.Template.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false),
		Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}
	if err := e.c.Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	e.waitRolledOut(t, "shop")

	tgt := New(e.c, e.cs, e.ns, WithRecorder(e.rec), WithPollInterval(200*time.Millisecond),
		WithPodURL(func(*corev1.Pod, int32) string { return "http://127.0.0.1:1" }))
	v1, v2 := release("v1", digestA, nil), release("v2", digestB, map[string]string{"FEATURE": "on"})
	v2.SecretEnv = map[string]runtime.SecretRef{"DB_PASSWORD": {SecretKeyRef: &runtime.SecretKeyRef{Name: "shop-db", Key: "password"}}}
	if err := e.c.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "shop-db", Namespace: e.ns},
		StringData: map[string]string{"password": "hunter2"}}); err != nil {
		t.Fatal(err)
	}
	e.converge(t, tgt, runtime.Desired{Service: "shop", Stable: &v1, Canary: &v2, Replicas: 1, CanaryReplicas: 1})
	canary := e.deployment(t, CanaryName("shop"))
	admitted("canary Deployment", canary.Spec.Template.Spec)
	if got := len(e.pods(t, "v2")); got != 1 {
		t.Fatalf("%d canary pods, want 1", got)
	}
	var ref *corev1.SecretKeySelector
	for _, v := range canary.Spec.Template.Spec.Containers[0].Env {
		if v.Name == "DB_PASSWORD" && v.ValueFrom != nil {
			ref = v.ValueFrom.SecretKeyRef
		}
		if strings.Contains(v.Value, "hunter2") {
			t.Errorf("the canary template holds the secret's value in %s", v.Name)
		}
	}
	if ref == nil || ref.Name != "shop-db" || ref.Key != "password" {
		t.Errorf("canary DB_PASSWORD = %+v, want secretKeyRef shop-db/password", ref)
	}

	// The smoke Job: its pod is admitted and runs (KWOK completes it).
	res, err := tgt.Smoke(ctx, "shop", "v2", rollout.SmokeStep{Command: []string{"python", "-m", "pytest"}, Timeout: rollout.Duration(2 * time.Minute)})
	if err != nil || !res.Passed {
		t.Fatalf("smoke = %+v, %v", res, err)
	}
	jobs := e.jobs(t)
	if len(jobs) != 1 {
		t.Fatalf("%d jobs, want 1", len(jobs))
	}
	admitted("smoke Job", jobs[0].Spec.Template.Spec)
}

// installController applies the controller's namespaced objects from
// `kubectl kustomize deploy/` (ServiceAccount, Deployment) in e's
// namespace and returns the Deployment as created.
func installController(t *testing.T, e *env) *appsv1.Deployment {
	t.Helper()
	root, err := kubetest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(kubetest.Kubectl(t), "kustomize", root+"/deploy").Output()
	if err != nil {
		t.Fatalf("kubectl kustomize deploy: %v", err)
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(out), 4096)
	var dep *appsv1.Deployment
	for {
		var raw map[string]any
		if err := dec.Decode(&raw); err != nil {
			break
		}
		kind, _ := raw["kind"].(string)
		var obj client.Object
		switch kind {
		case "ServiceAccount":
			obj = &corev1.ServiceAccount{}
		case "Deployment":
			dep = &appsv1.Deployment{}
			obj = dep
		default:
			continue
		}
		if err := kruntime.DefaultUnstructuredConverter.FromUnstructured(raw, obj); err != nil {
			t.Fatal(err)
		}
		obj.SetNamespace(e.ns)
		if err := e.c.Create(context.Background(), obj); err != nil {
			t.Fatalf("create %s %s: %v", kind, obj.GetName(), err)
		}
	}
	if dep == nil {
		t.Fatalf("kubectl kustomize deploy/ has no Deployment:\n%s", out)
	}
	return dep
}

// waitPods waits for n pods with labels to exist: the ReplicaSet
// controller created them through admission.
func (e *env) waitPods(t testing.TB, labels map[string]string, n int) {
	t.Helper()
	eventually(t, fmt.Sprintf("%d pods %v", n, labels), func() (bool, string) {
		var pods corev1.PodList
		if err := e.c.List(context.Background(), &pods, client.InNamespace(e.ns), client.MatchingLabels(labels)); err != nil {
			return false, err.Error()
		}
		var evs corev1.EventList
		e.c.List(context.Background(), &evs, client.InNamespace(e.ns))
		var why []string
		for _, ev := range evs.Items {
			if ev.Reason == "FailedCreate" {
				why = append(why, ev.Message)
			}
		}
		return len(pods.Items) == n, fmt.Sprintf("%d pods; FailedCreate events: %q", len(pods.Items), why)
	})
}
