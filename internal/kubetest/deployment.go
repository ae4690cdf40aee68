package kubetest

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Deployment is a service's stable Deployment as a team would write it:
// selector app=<name>, one container named like the service running image
// on port 8000. Tests create it with CreateDeployment.
func Deployment(namespace, name, image string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: name, Image: image,
					Ports: []corev1.ContainerPort{{ContainerPort: 8000}}}}},
			},
		},
	}
}

// CreateDeployment creates d in e's namespace and waits until it has rolled
// out (every replica Ready through KWOK).
func (e *Env) CreateDeployment(t testing.TB, d *appsv1.Deployment) {
	t.Helper()
	d.Namespace = e.Namespace
	if err := e.Client.Create(context.Background(), d); err != nil {
		t.Fatalf("kubetest: create deployment %s: %v", d.Name, err)
	}
	e.WaitRolledOut(t, d.Name)
}

// GetDeployment reads the Deployment name of e's namespace.
func (e *Env) GetDeployment(t testing.TB, name string) *appsv1.Deployment {
	t.Helper()
	var d appsv1.Deployment
	if err := e.Client.Get(context.Background(), client.ObjectKey{Namespace: e.Namespace, Name: name}, &d); err != nil {
		t.Fatalf("kubetest: get deployment %s: %v", name, err)
	}
	return &d
}

// WaitRolledOut waits until the Deployment's controller caught up with its
// spec and every replica is updated and Ready.
func (e *Env) WaitRolledOut(t testing.TB, name string) {
	t.Helper()
	Eventually(t, name+" rolled out", func() (bool, string) {
		d := e.GetDeployment(t, name)
		want := ptr.Deref(d.Spec.Replicas, 1)
		s := d.Status
		return s.ObservedGeneration >= d.Generation && s.UpdatedReplicas == want && s.Replicas == want &&
			s.ReadyReplicas == want, fmt.Sprintf("%+v", s)
	})
}
