package kube

import (
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/runtime"
)

const (
	digestA = "registry.invalid/shop@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	digestB = "registry.invalid/shop@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

func stableDeployment(ns, name string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"team": "shop"}},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{
					{Name: "sidecar", Image: "registry.invalid/proxy@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"},
					{Name: name, Image: digestA, Env: []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}},
						Ports: []corev1.ContainerPort{{ContainerPort: 8000}}},
				}},
			},
		},
	}
}

func release(id, image string, env map[string]string) runtime.Release {
	return runtime.Release{
		ID: id, Artifact: runtime.Artifact{Image: image}, Env: env,
		BuildInfo: attest.BuildInfo{Service: "shop", LockHash: "sha256:1111", ImageDigest: image[strings.Index(image, "@")+1:],
			GitCommit: "0123456789abcdef", CIRunID: "run-77", Reproducible: true},
	}
}

func TestRevisionLabel(t *testing.T) {
	tests := []struct {
		name, id, want string
	}{
		{"plain", "v2", "v2"},
		{"dotted", "1.2.3", "1.2.3"},
		{"slash", "shop/v2", "shop-v2-"},
		{"digest", "sha256:aaaa", "sha256-aaaa-"},
		{"long", strings.Repeat("x", 80), strings.Repeat("x", 52) + "-"},
		{"only_symbols", "@@@", "r-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RevisionLabel(tt.id)
			if !strings.HasPrefix(got, tt.want) || (got != tt.id && len(got) != len(tt.want)+10) {
				t.Fatalf("RevisionLabel(%q) = %q, want prefix %q", tt.id, got, tt.want)
			}
			if errs := validation.IsValidLabelValue(got); len(errs) > 0 {
				t.Fatalf("RevisionLabel(%q) = %q is not a label value: %v", tt.id, got, errs)
			}
		})
	}
	if RevisionLabel("a/b") == RevisionLabel("a:b") {
		t.Fatal("distinct IDs share a label")
	}
}

func TestCanaryDeployment(t *testing.T) {
	stable := stableDeployment("ns1", "shop", 4)
	rel := release("v2", digestB, map[string]string{"FEATURE": "on", "LOG_LEVEL": "debug"})
	c, err := canaryDeployment(stable, "shop", "shop", rel, 1, 20)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "shop-canary" || c.Namespace != "ns1" || *c.Spec.Replicas != 1 || c.Annotations[AnnotationWeight] != "20" {
		t.Fatalf("canary meta = %+v replicas %d", c.ObjectMeta, *c.Spec.Replicas)
	}
	wantSel := map[string]string{"app": "shop", LabelRevision: "v2"}
	if !mapsEqual(c.Spec.Selector.MatchLabels, wantSel) {
		t.Fatalf("selector = %v, want %v", c.Spec.Selector.MatchLabels, wantSel)
	}
	if stable.Spec.Selector.MatchLabels[LabelRevision] != "" || stable.Spec.Template.Labels[LabelRevision] != "" {
		t.Fatal("building the canary changed the stable deployment")
	}
	tmpl := c.Spec.Template
	if tmpl.Labels["app"] != "shop" || tmpl.Labels[LabelRevision] != "v2" {
		t.Fatalf("template labels = %v", tmpl.Labels)
	}
	for k, v := range map[string]string{
		attest.KeyLockHash: "sha256:1111", attest.KeyImageDigest: "sha256:" + strings.Repeat("b", 64),
		attest.KeyGitCommit: "0123456789abcdef", attest.KeyCIRunID: "run-77", AnnotationRelease: "v2",
	} {
		if tmpl.Annotations[k] != v {
			t.Errorf("annotation %s = %q, want %q", k, tmpl.Annotations[k], v)
		}
	}
	app := tmpl.Spec.Containers[1]
	if app.Image != digestB || tmpl.Spec.Containers[0].Image == digestB {
		t.Fatalf("images = %s, %s", tmpl.Spec.Containers[0].Image, app.Image)
	}
	wantEnv := []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "debug"}, {Name: "FEATURE", Value: "on"}}
	if !slices.Equal(app.Env, wantEnv) {
		t.Fatalf("env = %v, want %v", app.Env, wantEnv)
	}
	if ru := c.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable.IntValue() != 0 {
		t.Fatalf("strategy = %+v", c.Spec.Strategy)
	}
}

func TestCanaryDeploymentNeedsImage(t *testing.T) {
	_, err := canaryDeployment(stableDeployment("ns", "shop", 2), "shop", "shop", runtime.Release{ID: "v2", Artifact: runtime.Artifact{Layout: "/tmp/x"}}, 1, 10)
	if err == nil || !strings.Contains(err.Error(), "registry images") {
		t.Fatalf("err = %v", err)
	}
}

func TestPromote(t *testing.T) {
	d := stableDeployment("ns", "shop", 3)
	changed, err := promote(d, "shop", release("v2", digestB, map[string]string{"FEATURE": "on"}), 5)
	if err != nil || !changed {
		t.Fatalf("promote: changed=%v err=%v", changed, err)
	}
	app := d.Spec.Template.Spec.Containers[1]
	if app.Image != digestB || *d.Spec.Replicas != 5 || d.Spec.Template.Annotations[AnnotationRelease] != "v2" {
		t.Fatalf("promoted = image %s replicas %d", app.Image, *d.Spec.Replicas)
	}
	ru := d.Spec.Strategy.RollingUpdate
	if d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || ru.MaxUnavailable.IntValue() != 0 || ru.MaxSurge.String() != "25%" {
		t.Fatalf("strategy = %+v %+v", d.Spec.Strategy, ru)
	}
	// Same release again: nothing changes, so nothing rolls.
	if changed, _ := promote(d, "shop", release("v2", digestB, map[string]string{"FEATURE": "on"}), 5); changed {
		t.Fatal("re-promoting the same release changed the template")
	}
	// The next release drops the variable the previous one added.
	if _, err := promote(d, "shop", release("v3", digestA, nil), 5); err != nil {
		t.Fatal(err)
	}
	env := d.Spec.Template.Spec.Containers[1].Env
	if !slices.Equal(env, []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}}) || d.Spec.Template.Annotations[AnnotationEnv] != "" {
		t.Fatalf("env after v3 = %v, annotation %q", env, d.Spec.Template.Annotations[AnnotationEnv])
	}
}

func TestSmokeJob(t *testing.T) {
	stable := stableDeployment("ns", "shop", 3)
	c, err := canaryDeployment(stable, "shop", "shop", release("v2", digestB, map[string]string{"FEATURE": "on"}), 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	j := smokeJob(c, "shop", "v2", "shop", []string{"python", "-m", "pytest", "tests/smoke"}, "http://10.0.0.9:8000", 90*time.Second)
	if len(j.Name) > 63 || !strings.HasPrefix(j.Name, "shop-canary-smoke-") {
		t.Fatalf("job name %q", j.Name)
	}
	p := j.Spec.Template.Spec
	if len(p.Containers) != 1 || p.Containers[0].Image != digestB || !slices.Equal(p.Containers[0].Command, []string{"python", "-m", "pytest", "tests/smoke"}) {
		t.Fatalf("job containers = %+v", p.Containers)
	}
	if !slices.Contains(p.Containers[0].Env, corev1.EnvVar{Name: "CANARY_URL", Value: "http://10.0.0.9:8000"}) ||
		!slices.Contains(p.Containers[0].Env, corev1.EnvVar{Name: "FEATURE", Value: "on"}) {
		t.Fatalf("job env = %v", p.Containers[0].Env)
	}
	if j.Spec.Template.Labels["app"] != "" {
		t.Fatal("smoke pods carry the service's selector labels, so the Service would route to them")
	}
	if j.Spec.Template.Annotations[attest.KeyImageDigest] == "" || *j.Spec.BackoffLimit != 0 || *j.Spec.ActiveDeadlineSeconds != 90 || p.RestartPolicy != corev1.RestartPolicyNever {
		t.Fatalf("job spec = %+v", j.Spec)
	}
	if other := smokeJob(c, "shop", "v3", "shop", []string{"python", "-m", "pytest", "tests/smoke"}, "", time.Minute); other.Name == j.Name {
		t.Fatal("another release's smoke job has the same name")
	}
}

func TestAppliedWeight(t *testing.T) {
	mk := func(replicas, ready int32, weight string) *appsv1.Deployment {
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: 1, Annotations: map[string]string{AnnotationWeight: weight}},
			Spec: appsv1.DeploymentSpec{Replicas: ptr.To(replicas)}}
		d.Status = appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: replicas, UpdatedReplicas: replicas, ReadyReplicas: ready, AvailableReplicas: ready}
		return d
	}
	tests := []struct {
		name           string
		canary, stable *appsv1.Deployment
		want           int
	}{
		{"ready_canary_has_its_weight", mk(1, 1, "20"), mk(4, 4, ""), 20},
		{"no_ready_canary_pod", mk(2, 0, "50"), mk(4, 4, ""), 0},
		{"half_ready_is_the_ready_share", mk(2, 1, "50"), mk(4, 4, ""), 20},
		{"nothing_ready", mk(2, 0, "50"), mk(4, 0, ""), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := appliedWeight(tt.canary, tt.stable); got != tt.want {
				t.Fatalf("appliedWeight = %d, want %d", got, tt.want)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
