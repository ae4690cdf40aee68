package kubecli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// ServiceReleases lists the namespace's Releases of service (all of them
// when service is ""), newest first (creation time, then name).
func ServiceReleases(ctx context.Context, c client.Client, namespace, service string) ([]v1alpha1.Release, error) {
	var list v1alpha1.ReleaseList
	if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("list releases in %s: %w", namespace, err)
	}
	var out []v1alpha1.Release
	for _, r := range list.Items {
		if service == "" || r.Spec.Service == service {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ti, tj := out[i].CreationTimestamp, out[j].CreationTimestamp
		if !ti.Equal(&tj) {
			return tj.Before(&ti)
		}
		return out[i].Name > out[j].Name
	})
	return out, nil
}

// Resolve finds the Release a command acts on: arg names a Release, else a
// service whose active (oldest non-terminal) Release is meant; with no arg,
// defaultService's. No such Release is an *inputerr.Error; a service with
// no running Release is ErrNoActive.
func Resolve(ctx context.Context, c client.Client, namespace, arg, defaultService string) (*v1alpha1.Release, error) {
	if arg != "" {
		var rel v1alpha1.Release
		err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: arg}, &rel)
		if err == nil {
			return &rel, nil
		}
		if !apierrors.IsNotFound(err) {
			return nil, err
		}
	}
	service := arg
	if service == "" {
		service = defaultService
	}
	if service == "" {
		return nil, &inputerr.Error{Msg: "name a RELEASE or SERVICE (no pinwheel.yaml here to take the service from)"}
	}
	rels, err := ServiceReleases(ctx, c, namespace, service)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 {
		return nil, &inputerr.Error{Msg: fmt.Sprintf("no release or service %q in namespace %s (see pinwheel status --target kube)", service, namespace)}
	}
	for i := len(rels) - 1; i >= 0; i-- {
		if !Terminal(&rels[i]) {
			return &rels[i], nil
		}
	}
	return nil, &NoActiveError{Service: service, Namespace: namespace, Last: &rels[0]}
}

// NoActiveError says a service has Releases but none is running.
type NoActiveError struct {
	Service, Namespace string
	Last               *v1alpha1.Release
}

func (e *NoActiveError) Error() string {
	return fmt.Sprintf("%s has no release in progress in namespace %s (the newest, %s, is %s)", e.Service, e.Namespace, e.Last.Name, e.Last.Status.Phase)
}

// SendCommand sets rel's command annotation to cmd under a fresh id with a
// merge patch, and returns the id. A terminal Release is refused: the
// controller would ignore the command.
func SendCommand(ctx context.Context, c client.Client, rel *v1alpha1.Release, cmd rollout.Command) (string, error) {
	if Terminal(rel) {
		return "", fmt.Errorf("release %s is %s already: a %s would change nothing", rel.Name, rel.Status.Phase, cmd.Kind)
	}
	if cmd.By == "" {
		cmd.By = user()
	}
	id := strconv.FormatInt(time.Now().UnixNano(), 10)
	value, err := v1alpha1.CommandAnnotation(cmd, id)
	if err != nil {
		return "", err
	}
	patch, err := jsonMergePatch(value)
	if err != nil {
		return "", err
	}
	if err := c.Patch(ctx, rel, client.RawPatch(types.MergePatchType, patch)); err != nil {
		return "", fmt.Errorf("annotate release %s: %w", rel.Name, err)
	}
	return id, nil
}

func user() string {
	u := os.Getenv("USER")
	h, _ := os.Hostname()
	switch {
	case u != "" && h != "":
		return u + "@" + h
	case u != "":
		return u
	}
	return h
}

func jsonMergePatch(value string) ([]byte, error) {
	return json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{v1alpha1.AnnotationCommand: value}}})
}

// Find is the Release named name, else the newest Release of the service
// name; neither is an *inputerr.Error.
func Find(ctx context.Context, c client.Client, namespace, name string) (*v1alpha1.Release, error) {
	var rel v1alpha1.Release
	err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, &rel)
	if err == nil {
		return &rel, nil
	}
	if !apierrors.IsNotFound(err) {
		return nil, err
	}
	rels, err := ServiceReleases(ctx, c, namespace, name)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 {
		return nil, &inputerr.Error{Msg: fmt.Sprintf("no release or service %q in namespace %s (pinwheel status --target kube lists them)", name, namespace)}
	}
	return &rels[0], nil
}
