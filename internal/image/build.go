package image

import (
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Spec is everything that decides one platform's image.
type Spec struct {
	Platform v1.Platform
	Base     v1.Image
	Layers   []Layer // appended to the base in order
	Config   Config
	// Created is the image's creation time: SOURCE_DATE_EPOCH or the commit
	// time, never the wall clock, so rebuilds are byte-identical.
	Created time.Time
}

// Layer is one layer added by pinwheel with its history entry.
type Layer struct {
	Layer     v1.Layer
	CreatedBy string // e.g. "pinwheel: dependencies (lock sha256:…)"
}

// Config is the part of the image config pinwheel sets over the base's.
type Config struct {
	Entrypoint []string
	Cmd        []string
	// Env entries (KEY=VALUE) replace base entries with the same key.
	Env []string
	// PathPrepend directories go before the base image's PATH.
	PathPrepend  []string
	WorkingDir   string
	User         string
	ExposedPorts []string // "8080/tcp"
	Labels       map[string]string
}

// LayerMediaType returns the layer media type that matches base's manifest:
// OCI layers for OCI bases, Docker layers for Docker schema 2 bases.
func LayerMediaType(base v1.Image) (types.MediaType, error) {
	mt, err := base.MediaType()
	if err != nil {
		return "", err
	}
	if mt == types.DockerManifestSchema2 {
		return types.DockerLayer, nil
	}
	return types.OCILayer, nil
}

// Build appends spec's layers to its base and sets the config. The result
// depends only on spec: same inputs, same digest.
func Build(spec Spec) (v1.Image, error) {
	created := v1.Time{Time: spec.Created.UTC().Truncate(time.Second)}
	adds := make([]mutate.Addendum, len(spec.Layers))
	for i, l := range spec.Layers {
		adds[i] = mutate.Addendum{Layer: l.Layer, History: v1.History{
			Created: created, CreatedBy: l.CreatedBy, Author: "pinwheel", Comment: "",
		}}
	}
	img, err := mutate.Append(spec.Base, adds...)
	if err != nil {
		return nil, fmt.Errorf("append layers: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	cf = cf.DeepCopy()
	cf.Created = created
	if cf.OS == "" {
		cf.OS, cf.Architecture, cf.Variant = spec.Platform.OS, spec.Platform.Architecture, spec.Platform.Variant
	}
	c := spec.Config
	cfg := &cf.Config
	cfg.Entrypoint, cfg.Cmd = c.Entrypoint, c.Cmd
	if c.WorkingDir != "" {
		cfg.WorkingDir = c.WorkingDir
	}
	if c.User != "" {
		cfg.User = c.User
	}
	cfg.Env = mergeEnv(cfg.Env, c.Env, c.PathPrepend)
	if len(c.ExposedPorts) > 0 {
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for _, p := range c.ExposedPorts {
			cfg.ExposedPorts[p] = struct{}{}
		}
	}
	if len(c.Labels) > 0 {
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		for k, v := range c.Labels {
			cfg.Labels[k] = v
		}
	}
	return mutate.ConfigFile(img, cf)
}

// mergeEnv applies overrides (KEY=VALUE) to base, keeping base order, then
// appends new keys sorted; PATH gets prepend in front.
func mergeEnv(base, overrides, prepend []string) []string {
	out := append([]string{}, base...)
	index := map[string]int{}
	for i, kv := range out {
		k, _, _ := strings.Cut(kv, "=")
		index[k] = i
	}
	set := func(k, v string) {
		if i, ok := index[k]; ok {
			out[i] = k + "=" + v
			return
		}
		index[k] = len(out)
		out = append(out, k+"="+v)
	}
	sorted := append([]string{}, overrides...)
	sort.SliceStable(sorted, func(i, j int) bool { return envKey(sorted[i]) < envKey(sorted[j]) })
	for _, kv := range sorted {
		k, v, _ := strings.Cut(kv, "=")
		set(k, v)
	}
	if len(prepend) > 0 {
		path := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
		if i, ok := index["PATH"]; ok {
			_, path, _ = strings.Cut(out[i], "=")
		}
		set("PATH", strings.Join(prepend, ":")+":"+path)
	}
	return out
}

func envKey(kv string) string {
	k, _, _ := strings.Cut(kv, "=")
	return k
}

// Index assembles a multi-platform OCI index from images, in the order given.
func Index(images []v1.Image, platforms []v1.Platform) (v1.ImageIndex, error) {
	if len(images) != len(platforms) {
		return nil, fmt.Errorf("index: %d images for %d platforms", len(images), len(platforms))
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	adds := make([]mutate.IndexAddendum, len(images))
	for i, img := range images {
		p := platforms[i]
		adds[i] = mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}}
	}
	return mutate.AppendManifests(idx, adds...), nil
}
