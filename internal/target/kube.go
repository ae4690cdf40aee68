package target

import (
	"context"
	"fmt"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/kubecli"
)

// kube is the Target of a Kubernetes cluster: each release a Release
// object, driven by a controller (in the cluster, or run by Deploy).
type kube struct {
	o    Options
	conn kubecli.Conn
}

var _ Target = (*kube)(nil)

// connect resolves the kubeconfig and returns a client and the namespace.
func (k *kube) connect() (*rest.Config, client.WithWatch, string, error) {
	cfg, ns, err := k.conn.Resolve()
	if err != nil {
		return nil, nil, "", err
	}
	c, err := kubecli.NewClient(cfg)
	if err != nil {
		return nil, nil, "", err
	}
	return cfg, c, ns, nil
}

// Deploy builds the Release of the project in r.Dir and r.Image, creates it
// and follows it (with a controller in-process when r.Controller says so).
func (k *kube) Deploy(ctx context.Context, r DeployRequest) (Report, error) {
	if r.Image == "" {
		return Report{}, usage("--target kube needs --image REPO@sha256:DIGEST (an image a cluster can pull, pinned by digest)")
	}
	if err := kubecli.CheckControllerMode(r.Controller); err != nil {
		return Report{}, err
	}
	img, err := kubecli.ParseImage(r.Image)
	if err != nil {
		return Report{}, err
	}
	proj, err := deploy.LoadProject(r.Dir)
	if err != nil {
		return Report{}, err
	}
	if err := admitSignature(ctx, proj.Config, r.Image); err != nil {
		return Report{}, err
	}
	if err := admitGatesKube(ctx, proj.Config, deploy.LedgerPath(k.o.Ledger, r.Dir), img.Digest); err != nil {
		return Report{}, err
	}
	opts := kubecli.ReleaseOptions{Image: img, Deployment: r.Deployment}
	if r.BuildInfo != "" {
		bi, err := kubecli.ReadBuildInfo(r.BuildInfo, img)
		if err != nil {
			return Report{}, err
		}
		opts.BuildInfo = &bi
	}
	cfg, ns, err := k.conn.Resolve()
	if err != nil {
		return Report{}, err
	}
	opts.Namespace = ns
	rel, err := kubecli.BuildRelease(proj, opts)
	if err != nil {
		return Report{}, err
	}
	var notes []string
	if r.BuildInfo == "" {
		notes = append(notes, fmt.Sprintf("no --build-info: the release records only %s's service and version, and the image digest", proj.Config.Path))
	}
	final, err := kubecli.Deploy(ctx, kubecli.DeployOptions{Config: cfg, Namespace: ns, Project: proj, Release: rel, Notes: notes,
		Controller: r.Controller, LeaseNamespace: r.LeaseNamespace, Wait: r.Wait, Out: k.o.Progress, Logger: k.o.Logger, Funcs: kubecli.DefaultController()})
	if err != nil {
		if ctx.Err() != nil {
			return Report{}, no("interrupted: release %s stays in the cluster where it is; see pinwheel status --target kube -n %s %s (an in-process controller stopped with this command)", rel.Name, ns, rel.Name)
		}
		return Report{}, err
	}
	if !r.Wait {
		return Report{JSON: final}, nil
	}
	text := fmt.Sprintf("release %s of %s: %s\n", final.Name, final.Spec.Service, kubecli.Outcome(final.Status.Phase))
	return Report{Text: text, JSON: final, No: final.Status.Phase != "Promoted"}, nil
}
