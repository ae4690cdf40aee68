package controller

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// rendered is what `kubectl kustomize DIR` makes of one of deploy/'s
// kustomizations, by kind.
type rendered struct {
	deployment          appsv1.Deployment
	clusterRoles, roles []rbacv1.Role // ClusterRoles decoded as Roles (same rules)
	roleBindings        []rbacv1.RoleBinding
	clusterBindings     []rbacv1.ClusterRoleBinding
}

func render(t *testing.T, dir string) rendered {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed")
	}
	out, err := exec.Command(kubectl, "kustomize", filepath.Join("..", "..", dir)).Output()
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v", dir, err)
	}
	var r rendered
	for _, doc := range bytes.Split(out, []byte("\n---\n")) {
		var meta struct{ Kind string }
		yaml.Unmarshal(doc, &meta)
		var into any
		switch meta.Kind {
		case "Deployment":
			into = &r.deployment
		case "ClusterRole":
			r.clusterRoles = append(r.clusterRoles, rbacv1.Role{})
			into = &r.clusterRoles[len(r.clusterRoles)-1]
		case "Role":
			r.roles = append(r.roles, rbacv1.Role{})
			into = &r.roles[len(r.roles)-1]
		case "RoleBinding":
			r.roleBindings = append(r.roleBindings, rbacv1.RoleBinding{})
			into = &r.roleBindings[len(r.roleBindings)-1]
		case "ClusterRoleBinding":
			r.clusterBindings = append(r.clusterBindings, rbacv1.ClusterRoleBinding{})
			into = &r.clusterBindings[len(r.clusterBindings)-1]
		default:
			continue
		}
		if err := yaml.Unmarshal(doc, into); err != nil {
			t.Fatalf("%s %s: %v", dir, meta.Kind, err)
		}
	}
	return r
}

func grants(rules []rbacv1.PolicyRule, resource string) bool {
	return slices.ContainsFunc(rules, func(p rbacv1.PolicyRule) bool { return slices.Contains(p.Resources, resource) })
}

// The default install is namespaced: the controller's rules reach it only
// through RoleBindings in watched namespaces, Leases only in
// pinwheel-system; the cluster overlay binds cluster-wide. Both run the
// controller image by digest under the RuntimeDefault seccomp profile.
func TestDeployManifests(t *testing.T) {
	digestRef := regexp.MustCompile(`^[^:@]+(:\d+)?/[^:@]+@sha256:[0-9a-f]{64}$`)
	for _, tc := range []struct {
		dir        string
		namespaced bool
	}{{"deploy", true}, {"deploy/overlays/cluster", false}} {
		t.Run(strings.ReplaceAll(tc.dir, "/", "_"), func(t *testing.T) {
			r := render(t, tc.dir)
			if len(r.clusterRoles) != 1 || grants(r.clusterRoles[0].Rules, "leases") || !grants(r.clusterRoles[0].Rules, "jobs") {
				t.Errorf("want one ClusterRole with the workload rules and no leases: %+v", r.clusterRoles)
			}
			if len(r.roles) != 1 || r.roles[0].Namespace != "pinwheel-system" || !grants(r.roles[0].Rules, "leases") {
				t.Errorf("want the lease Role in pinwheel-system only: %+v", r.roles)
			}
			var nsBindings []string
			for _, b := range r.roleBindings {
				if b.RoleRef.Kind == "ClusterRole" {
					nsBindings = append(nsBindings, b.Namespace)
				}
			}
			args := strings.Join(r.deployment.Spec.Template.Spec.Containers[0].Args, " ")
			if tc.namespaced {
				if len(r.clusterBindings) != 0 || len(nsBindings) == 0 || !strings.Contains(args, "--namespace="+strings.Join(nsBindings, ",")) {
					t.Errorf("namespaced: cluster bindings %d, role bindings in %v, args %q", len(r.clusterBindings), nsBindings, args)
				}
			} else if len(r.clusterBindings) != 1 || len(nsBindings) != 0 || strings.Contains(args, "--namespace") {
				t.Errorf("cluster: cluster bindings %d, role bindings in %v, args %q", len(r.clusterBindings), nsBindings, args)
			}
			pod := r.deployment.Spec.Template.Spec
			if pod.SecurityContext == nil || pod.SecurityContext.SeccompProfile == nil || pod.SecurityContext.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
				t.Errorf("controller pod seccomp: %+v", pod.SecurityContext)
			}
			if img := pod.Containers[0].Image; !digestRef.MatchString(img) {
				t.Errorf("controller image %q is not pinned by digest", img)
			}
		})
	}
}
