package kube

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// restrictPod fills in what the Pod Security "restricted" profile asks of a
// pod pinwheel creates, where the pod spec copied from the user's
// Deployment leaves it unset: the RuntimeDefault seccomp profile, no
// privilege escalation, every capability dropped. Settings the template
// does make are kept; whether it runs as non-root is the template's (and
// the image's) to say — pinwheel's images default to uid 65532.
func restrictPod(spec *corev1.PodSpec) {
	if spec.SecurityContext == nil {
		spec.SecurityContext = &corev1.PodSecurityContext{}
	}
	if spec.SecurityContext.SeccompProfile == nil {
		spec.SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	}
	for i := range spec.Containers {
		c := &spec.Containers[i]
		if c.SecurityContext == nil {
			c.SecurityContext = &corev1.SecurityContext{}
		}
		if c.SecurityContext.AllowPrivilegeEscalation == nil {
			c.SecurityContext.AllowPrivilegeEscalation = ptr.To(false)
		}
		if c.SecurityContext.Capabilities == nil {
			c.SecurityContext.Capabilities = &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}
		}
	}
}
