package controller

import (
	"context"
	"errors"
	"fmt"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// CheckLeaseNamespace fails at once, saying what to do, when the namespace
// of the leader-election Lease does not exist — instead of the leader
// elector retrying forever with a log line a second. It asks the API
// server to create the Lease as a dry run: nothing is written.
func CheckLeaseNamespace(ctx context.Context, cfg *rest.Config, namespace, name string) error {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	lease := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}}
	_, err = cs.CoordinationV1().Leases(namespace).Create(ctx, lease, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	var status apierrors.APIStatus
	if apierrors.IsNotFound(err) && errors.As(err, &status) && status.Status().Details != nil && status.Status().Details.Kind == "namespaces" {
		return fmt.Errorf("the lease namespace %s does not exist: create it (kubectl create namespace %s), or name another with --lease-namespace", namespace, namespace)
	}
	return nil // anything else is the leader elector's to report and retry
}
