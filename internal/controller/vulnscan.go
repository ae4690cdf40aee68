package controller

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/imagepkgs"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/vuln"
	"pinwheel.dev/pinwheel/internal/vulnwatch"
)

// VulnScan is the scheduled vulnerability scan of running releases: every
// Interval the controller (the leader only) lists the Releases that run —
// each Deployment's newest Promoted Release and every Release still rolling
// out — reads each image's packages (its attached SBOM, else its layers)
// and reports advisories that newly hit one (internal/vulnwatch) through
// Options.Notifier and Options.Tracker.
type VulnScan struct {
	Interval time.Duration
	// Source is called on every pass, so a database refreshed on disk is
	// read anew (vuln.Load) — or the OSV API (vuln.API).
	Source func(ctx context.Context) (vuln.Source, error)
	// StateFile keeps what was reported, per image digest ("": memory only,
	// so a restarted controller reports again).
	StateFile string
	// Registry are options for reading images (transport, auth).
	Registry []remote.Option
}

// addVulnScan runs the scan as a leader-elected runnable of mgr.
func addVulnScan(mgr manager.Manager, c client.Reader, o Options) error {
	st, err := vulnwatch.LoadState(o.VulnScan.StateFile)
	if err != nil {
		return err
	}
	w := &vulnwatch.Watcher{Source: o.VulnScan.Source, State: st, Notifier: o.Notifier, Tracker: o.Tracker,
		Now: o.Clock, Log: o.Log.With("component", "vulnscan"),
		Releases: func(ctx context.Context) ([]vulnwatch.Release, error) {
			return runningReleases(ctx, c, o.Namespace, o.VulnScan.Registry)
		}}
	return mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		w.Run(ctx, o.VulnScan.Interval)
		return nil
	}))
}

var rollingPhases = map[string]bool{string(rollout.Progressing): true, string(rollout.Paused): true,
	string(rollout.Analyzing): true, string(rollout.Smoking): true, string(rollout.Promoting): true}

// runningReleases lists the Releases that run and the packages of their images.
func runningReleases(ctx context.Context, c client.Reader, namespace string, reg []remote.Option) ([]vulnwatch.Release, error) {
	var list v1alpha1.ReleaseList
	var opts []client.ListOption
	if namespace != "" && !strings.Contains(namespace, ",") {
		opts = append(opts, client.InNamespace(namespace))
	}
	if err := c.List(ctx, &list, opts...); err != nil {
		return nil, err
	}
	newest := map[string]*v1alpha1.Release{} // namespace/deployment → newest Promoted
	var running []*v1alpha1.Release
	for i := range list.Items {
		rel := &list.Items[i]
		switch {
		case rollingPhases[rel.Status.Phase]:
			running = append(running, rel)
		case rel.Status.Phase == string(rollout.Promoted):
			k := rel.Namespace + "/" + deploymentOf(rel)
			if cur := newest[k]; cur == nil || cur.CreationTimestamp.Before(&rel.CreationTimestamp) {
				newest[k] = rel
			}
		}
	}
	for _, rel := range newest {
		running = append(running, rel)
	}
	var out []vulnwatch.Release
	for _, rel := range running {
		res, err := imagepkgs.List(ctx, rel.Spec.Image, reg...)
		if err != nil {
			return nil, fmt.Errorf("release %s/%s: %w", rel.Namespace, rel.Name, err)
		}
		out = append(out, vulnwatch.Release{ID: rel.Namespace + "/" + rel.Name, Service: rel.Spec.Service, Digest: res.Digest,
			Info: rel.Spec.BuildInfo.Attest(), Packages: res.Packages})
	}
	return out, nil
}
