package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/publish"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Artifact is what a release runs, as the deploy command names it.
type Artifact struct {
	// Layout is an OCI image layout written by `pinwheel build --output
	// oci:PATH`; Digest selects the image in it (empty: its only image).
	Layout, Digest string
	// Source runs the project from its directory with the machine's python3
	// (the lock's packages must be importable; the shop example has none).
	Source bool
}

// ParseImage parses --image: oci:PATH or oci:PATH@sha256:….
func ParseImage(s string) (Artifact, error) {
	rest, ok := strings.CutPrefix(s, "oci:")
	if !ok || rest == "" {
		return Artifact{}, fmt.Errorf("--image %q: expected oci:PATH[@sha256:DIGEST] (an OCI layout from pinwheel build --output oci:PATH)", s)
	}
	path, digest, _ := strings.Cut(rest, "@")
	if digest != "" && !strings.HasPrefix(digest, "sha256:") {
		return Artifact{}, fmt.Errorf("--image %q: digest must be sha256:…", s)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Artifact{}, err
	}
	return Artifact{Layout: abs, Digest: digest}, nil
}

// RecordRelease records a new release of p's service running a in the
// ledger: its BuildInfo (from the image's build-info layer, or the project
// for a source run), lock snapshot, config snapshot and deploy record.
func RecordRelease(ctx context.Context, store ledger.Releases, p *Project, a Artifact, command []string) (ledger.Release, error) {
	rel := ledger.Release{Facts: changes.Facts{Service: p.Config.Service, Config: p.Snapshot}}
	l, err := p.Lock()
	if err != nil {
		return rel, err
	}
	rel.Lock = l
	var rr runtime.Release
	switch {
	case a.Layout != "":
		info, digest, err := ReadLayout(a.Layout, a.Digest)
		if err != nil {
			return rel, err
		}
		rel.Info = info
		rel.ImageRef = "oci:" + a.Layout + "@" + digest
		rr.Artifact = runtime.Artifact{Layout: a.Layout, Digest: digest}
	case a.Source:
		rel.Info = attest.BuildInfo{Service: p.Config.Service, Version: p.Config.Version, PythonVersion: p.Config.Python}
		if l != nil {
			rel.Info.LockHash, rel.Info.LockFormat = lock.Hash(l), string(l.Format)
		}
		if len(command) == 0 {
			command = append(append([]string{}, p.Config.Entrypoint...), p.Config.Cmd...)
		}
		rr.Artifact = runtime.Artifact{Source: &runtime.SourceArtifact{Dir: p.Dir, Command: command}}
		// The image carries env: for an image; a source run gets it from
		// pinwheel.yaml, and the record keeps digests, never values.
		rr.EnvDigests = envDigests(p.Config.Env)
	default:
		return rel, fmt.Errorf("no artifact: pass --image oci:PATH or --source")
	}
	if rel.Info.Service != "" && rel.Info.Service != p.Config.Service {
		return rel, fmt.Errorf("%s was built for service %q, but %s is service %q", rel.ImageRef, rel.Info.Service, p.Config.Path, p.Config.Service)
	}
	rr.SecretEnv = SecretRefs(p.Config)
	// Resolve once now, so a missing variable or file fails the deploy
	// before a release is recorded; the values are dropped.
	if _, err := NewEnvResolver(p.Dir).Resolve(ctx, rr); err != nil {
		return rel, err
	}
	if rel.Deploy, err = deployRecord(rr); err != nil {
		return rel, err
	}
	return store.CreateRelease(ctx, rel)
}

// deployRecord encodes how a runtime runs a release, for
// ledger.Release.Deploy: the artifact, env: names with digests of their
// values and secretEnv's references — never a value. It decodes as a
// runtime.Release (driver.runtimeRelease); records written before kept
// env: values under "env", which still decode.
func deployRecord(r runtime.Release) (json.RawMessage, error) {
	return json.Marshal(struct {
		Artifact   runtime.Artifact             `json:"artifact"`
		EnvDigests map[string]string            `json:"envDigests,omitempty"`
		SecretEnv  map[string]runtime.SecretRef `json:"secretEnv,omitempty"`
	}{r.Artifact, r.EnvDigests, r.SecretEnv})
}

func envDigests(env map[string]string) map[string]string {
	if len(env) == 0 {
		return nil
	}
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = config.ValueDigest(v)
	}
	return out
}

// ReadLayout finds the image in an OCI layout (the one named by digest, or
// the only one that is not a pinwheel attachment) and returns the
// BuildInfo written into it, completed with the image's digest.
func ReadLayout(path, digest string) (attest.BuildInfo, string, error) {
	var bi attest.BuildInfo
	img, idx, err := publish.ReadLayout(path, digest)
	if err != nil {
		return bi, "", err
	}
	if img == nil {
		return bi, "", fmt.Errorf("%s: %s is an image index: name one of its images with oci:%s@sha256:…", path, digestOf(idx), path)
	}
	d, err := img.Digest()
	if err != nil {
		return bi, "", fmt.Errorf("%s: %w", path, err)
	}
	if bi, err = build.ReadBuildInfo(img); err != nil {
		return bi, "", fmt.Errorf("%s: %w", path, err)
	}
	bi.ImageDigest = d.String()
	bi.ImageRef = "oci:" + path + "@" + bi.ImageDigest
	return bi, bi.ImageDigest, nil
}

func digestOf(idx v1.ImageIndex) string {
	if d, err := idx.Digest(); err == nil {
		return d.String()
	}
	return "the image"
}
