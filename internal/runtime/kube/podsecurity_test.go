package kube

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// The smoke Job meets Pod Security "restricted" where the Deployment's pod
// template is silent, and keeps what the template does say.
func TestSmokeJobIsRestricted(t *testing.T) {
	bare := &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "app", Image: "img@sha256:abc"}}}}}}
	own := bare.DeepCopy()
	own.Spec.Template.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To[int64](10001),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.To("app.json")}}
	own.Spec.Template.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{
		Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}, Add: []corev1.Capability{"NET_BIND_SERVICE"}}}
	for _, tc := range []struct {
		name      string
		dep       *appsv1.Deployment
		seccomp   corev1.SeccompProfileType
		nonRoot   bool
		capsAdded int
	}{
		{"bare_template", bare, corev1.SeccompProfileTypeRuntimeDefault, false, 0},
		{"template_settings_kept", own, corev1.SeccompProfileTypeLocalhost, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := smokeJob(tc.dep, "shop", "shop-2", "app", []string{"smoke"}, "http://canary", time.Minute)
			pod := job.Spec.Template.Spec
			if pod.SecurityContext == nil || pod.SecurityContext.SeccompProfile == nil || pod.SecurityContext.SeccompProfile.Type != tc.seccomp {
				t.Fatalf("pod seccomp %+v, want %s", pod.SecurityContext, tc.seccomp)
			}
			if got := pod.SecurityContext.RunAsNonRoot != nil && *pod.SecurityContext.RunAsNonRoot; got != tc.nonRoot {
				t.Errorf("runAsNonRoot %v, want %v", got, tc.nonRoot)
			}
			sc := pod.Containers[0].SecurityContext
			if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
				sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || len(sc.Capabilities.Add) != tc.capsAdded {
				t.Errorf("container security context %+v", sc)
			}
			if tc.dep.Spec.Template.Spec.Containers[0].SecurityContext != nil && tc.dep.Spec.Template.Spec.Containers[0].SecurityContext.AllowPrivilegeEscalation != nil {
				t.Error("the Deployment's template was changed")
			}
		})
	}
}
