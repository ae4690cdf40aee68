package target

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"pinwheel.dev/pinwheel/internal/kubecli"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Status renders the namespace's Releases (no Arg), or one Release: Arg
// names a Release, else a service whose newest Release is shown.
func (k *kube) Status(ctx context.Context, r StatusRequest) (*Watch, error) {
	_, c, ns, err := k.connect()
	if err != nil {
		return nil, err
	}
	render := func() (Report, error) {
		var buf bytes.Buffer
		if r.Arg == "" {
			rels, err := kubecli.ServiceReleases(ctx, c, ns, "")
			if err != nil {
				return Report{}, err
			}
			if len(rels) == 0 {
				fmt.Fprintf(&buf, "no releases in namespace %s\n", ns)
			} else if err := kubecli.WriteTable(&buf, rels, time.Now()); err != nil {
				return Report{}, err
			}
			return Report{Text: buf.String(), JSON: rels}, nil
		}
		rel, err := kubecli.Find(ctx, c, ns, r.Arg)
		if err != nil {
			return Report{}, err
		}
		if err := kubecli.WriteRelease(&buf, rel, r.Decisions); err != nil {
			return Report{}, err
		}
		return Report{Text: buf.String(), JSON: rel}, nil
	}
	return &Watch{Render: render, Close: func() error { return nil }}, nil
}

// History lists the service's Releases, newest first. The service is
// r.Service, else ./pinwheel.yaml's.
func (k *kube) History(ctx context.Context, r HistoryRequest) (Report, error) {
	service := r.Service
	if service == "" {
		var err error
		if service, err = projectService(); err != nil {
			return Report{}, err
		}
	}
	if service == "" {
		return Report{}, usage("name the SERVICE (no pinwheel.yaml here to take it from)")
	}
	_, c, ns, err := k.connect()
	if err != nil {
		return Report{}, err
	}
	rels, err := kubecli.ServiceReleases(ctx, c, ns, service)
	if err != nil {
		return Report{}, err
	}
	if r.Limit > 0 && len(rels) > r.Limit {
		rels = rels[:r.Limit]
	}
	if len(rels) == 0 {
		return Report{Text: fmt.Sprintf("no releases of %s in namespace %s\n", service, ns), JSON: rels}, nil
	}
	var buf bytes.Buffer
	if err := kubecli.WriteHistory(&buf, rels); err != nil {
		return Report{}, err
	}
	return Report{Text: buf.String(), JSON: rels}, nil
}

// Command sets the command annotation on the Release r.Arg names, else on
// the running Release of the service r.Arg (or ./pinwheel.yaml) names; the
// controller takes it. A Release that has ended is No.
func (k *kube) Command(ctx context.Context, r CommandRequest) (Report, error) {
	service := ""
	if r.Arg == "" {
		var err error
		if service, err = projectService(); err != nil {
			return Report{}, err
		}
	}
	_, c, ns, err := k.connect()
	if err != nil {
		return Report{}, err
	}
	rel, err := kubecli.Resolve(ctx, c, ns, r.Arg, service)
	if err != nil {
		return Report{}, err
	}
	cmd := rollout.Command{Kind: r.Kind, Reason: r.Reason}
	if r.Kind == rollout.CommandResume {
		cmd.Step = int(rel.Status.Step)
	}
	id, err := kubecli.SendCommand(ctx, c, rel, cmd)
	if err != nil {
		return Report{}, &No{Err: err}
	}
	text := fmt.Sprintf("asked %s of release %s (%s, %s, step %d/%d) in namespace %s as command %s;\n", r.Kind, rel.Name,
		rel.Spec.Service, cmp.Or(rel.Status.Phase, "Pending"), min(rel.Status.Step+1, max(rel.Status.Steps, 1)), rel.Status.Steps, ns, id) +
		fmt.Sprintf("the controller takes it at its next reconcile (see pinwheel status --target kube -n %s %s)\n", ns, rel.Name)
	return Report{Text: text, JSON: map[string]any{"command": id, "release": rel.Name, "namespace": ns, "kind": r.Kind}}, nil
}

// Rollback asks the running Release to roll back. Going back to an earlier
// release between rollouts is not done on kube: an input error says to
// deploy its image again.
func (k *kube) Rollback(ctx context.Context, r RollbackRequest) (Report, error) {
	if r.To != "" {
		return Report{}, usage("--to on --target kube: going back to an earlier release between rollouts is not available on kube; deploy its image again (pinwheel deploy --target kube --image REPO@sha256:…)")
	}
	rep, err := k.Command(ctx, CommandRequest{Arg: r.Arg, Kind: rollout.CommandRollback})
	var none *kubecli.NoActiveError
	if errors.As(err, &none) {
		return rep, usage("%v: rollback on --target kube only stops a running release; to go back to an earlier one, deploy its image again (pinwheel deploy --target kube --image REPO@sha256:…)", err)
	}
	return rep, err
}
