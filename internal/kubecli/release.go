package kubecli

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// LabelService is set on the Releases the CLI creates so status and
// history can list a service's Releases with a label selector.
const LabelService = "pinwheel.dev/service"

// ReleaseOptions are deploy's inputs beyond the project.
type ReleaseOptions struct {
	Image     Image
	Namespace string
	// Deployment is the stable Deployment (default: the service's name).
	Deployment string
	// BuildInfo is the image's build metadata; nil: only what pinwheel.yaml
	// says (service, version) and the image's digest.
	BuildInfo *attest.BuildInfo
}

// BuildRelease returns the Release rolling opts.Image out for the project:
// its service, the strategy of its rollout: section (the rollout.Spec the
// local target uses) and the build metadata.
func BuildRelease(proj *deploy.Project, opts ReleaseOptions) (*v1alpha1.Release, error) {
	service := proj.Config.Service
	strategy, err := v1alpha1.StrategyFrom(proj.Spec)
	if err != nil {
		return nil, &inputerr.Error{Path: proj.Config.Path, Msg: "rollout", Err: err}
	}
	bi := attest.BuildInfo{Service: service, Version: proj.Config.Version, PythonVersion: proj.Config.Python}
	if opts.BuildInfo != nil {
		bi = *opts.BuildInfo
		if bi.Service != service {
			return nil, &inputerr.Error{Msg: fmt.Sprintf("--build-info is for service %q, but %s is service %q", bi.Service, proj.Config.Path, service)}
		}
	}
	bi.ImageDigest, bi.ImageRef = opts.Image.Digest, opts.Image.Ref
	rel := &v1alpha1.Release{
		TypeMeta: metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "Release"},
		ObjectMeta: metav1.ObjectMeta{
			Name: ReleaseName(service, opts.Image), Namespace: opts.Namespace,
			Labels: map[string]string{LabelService: service},
		},
		Spec: v1alpha1.ReleaseSpec{
			Service: service, Deployment: opts.Deployment, Image: opts.Image.Ref,
			BuildInfo: v1alpha1.BuildInfoFrom(bi), Strategy: strategy,
		},
	}
	if rel.Spec.SecretEnv, err = secretKeyRefs(proj.Config); err != nil {
		return nil, err
	}
	if _, err := rel.Spec.RolloutSpec(); err != nil {
		return nil, &inputerr.Error{Path: proj.Config.Path, Msg: "rollout", Err: err}
	}
	return rel, nil
}

// secretKeyRefs is pinwheel.yaml's secretEnv as the Release carries it: on
// Kubernetes every entry needs a secretKeyRef (the kubelet reads the
// Secret); fromEnv and fromFile are the local target's and are not read.
func secretKeyRefs(c *config.Config) (map[string]v1alpha1.SecretKeyRef, error) {
	if len(c.SecretEnv) == 0 {
		return nil, nil
	}
	out := make(map[string]v1alpha1.SecretKeyRef, len(c.SecretEnv))
	for _, name := range c.SecretEnvNames() {
		ref := c.SecretEnv[name].SecretKeyRef
		if ref == nil {
			line, col := c.Pos("secretEnv." + name)
			return nil, inputerr.At(c.Path, line, col,
				"secretEnv.%s: no secretKeyRef: on Kubernetes the pod reads it from a Secret (secretKeyRef: {name: SECRET, key: KEY}); fromEnv and fromFile are for the local target", name)
		}
		out[name] = v1alpha1.SecretKeyRef{Name: ref.Name, Key: ref.Key}
	}
	return out, nil
}
