// Package build runs pinwheel's build stage: from a project directory
// (pinwheel.yaml, lock, source) to a reproducible OCI image with build-info,
// SLSA provenance and an SBOM, published to the requested outputs. It
// orchestrates config, lock, pyindex, wheel, image, attest and publish; the
// result is a build.Result handed to later stages. It owns no format itself.
package build

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/publish"
)

// Result is everything a build produced.
type Result struct {
	BuildInfo attest.BuildInfo `json:"buildInfo"`
	// Digest is the image digest (the index digest for multi-platform builds).
	Digest    string            `json:"digest"`
	Platforms []PlatformResult  `json:"platforms"`
	Materials []attest.Material `json:"materials"`
	Outputs   []publish.Result  `json:"outputs,omitempty"`

	Image      v1.Image      `json:"-"` // single-platform builds
	Index      v1.ImageIndex `json:"-"` // multi-platform builds
	Provenance []byte        `json:"-"`
	SBOM       []byte        `json:"-"`
	// Signed are the DSSE envelopes of the provenance and the SBOM, when
	// the build signs (--sign-key, signing.key, Options.Signer).
	Signed []publish.Signed `json:"-"`
}

// PlatformResult describes one platform's image.
type PlatformResult struct {
	Platform string `json:"platform"`
	Digest   string `json:"digest"`
	// Libc is the C library wheels were chosen for and where it was read
	// from (or that it was assumed): "glibc 2.36 (from /usr/lib/...)".
	Libc   string        `json:"libc,omitempty"`
	Layers []LayerResult `json:"layers"`
	// SourceBuilds are the wheels built from source for this platform in
	// this run (none when the dependencies layer came from the cache).
	SourceBuilds []SourceBuildResult `json:"sourceBuilds,omitempty"`
}

// LayerResult describes a layer pinwheel added.
type LayerResult struct {
	Name     string `json:"name"` // dependencies, app, build-info
	Digest   string `json:"digest"`
	DiffID   string `json:"diffID"`
	Size     int64  `json:"size"`
	CacheHit bool   `json:"cacheHit,omitempty"`
}

// Run builds the project in o.Dir and publishes it to o.Outputs. With
// o.Ledger set, the build is recorded there whether it succeeded or not.
func Run(ctx context.Context, o Options) (*Result, error) {
	o.defaults()
	started := o.Now()
	var sofar progress
	res, err := run(ctx, &o, started, &sofar)
	if o.Ledger == nil {
		return res, err
	}
	if rerr := recordBuild(ctx, o.Ledger, res, sofar, o.Dir, started, o.Now(), err == nil); rerr != nil {
		return res, errors.Join(err, rerr)
	}
	return res, err
}

// progress is how far a build got, for recording a failed one.
type progress struct {
	service string
	in      *inputs
}

func run(ctx context.Context, o *Options, started time.Time, sofar *progress) (*Result, error) {
	cfg, err := config.Load(o.Dir)
	if err != nil {
		return nil, err
	}
	sofar.service = cfg.Service
	sign, err := signer(cfg, o) // a bad key fails before the build, not after
	if err != nil {
		return nil, err
	}
	in, err := gatherInputs(ctx, cfg, o)
	if err != nil {
		return nil, err
	}
	sofar.in = in
	in.info.StartedAt = started
	res := &Result{}
	var imgs []v1.Image
	var plats []v1.Platform
	for _, ps := range in.platforms {
		p, err := v1.ParsePlatform(ps)
		if err != nil {
			return nil, fmt.Errorf("platform %q: %w", ps, err)
		}
		img, pr, mats, err := buildPlatform(ctx, cfg, in, *p, o)
		if err != nil {
			return nil, fmt.Errorf("build %s: %w", ps, err)
		}
		imgs, plats = append(imgs, img), append(plats, *p)
		res.Platforms = append(res.Platforms, pr)
		res.Materials = mergeMaterials(res.Materials, mats)
	}
	if len(imgs) == 1 {
		res.Image = imgs[0]
		res.Digest = res.Platforms[0].Digest
	} else {
		if res.Index, err = image.Index(imgs, plats); err != nil {
			return nil, err
		}
		d, err := res.Index.Digest()
		if err != nil {
			return nil, err
		}
		res.Digest = d.String()
	}
	res.Materials = mergeMaterials(in.materials, res.Materials)
	info := in.info
	info.ImageDigest = res.Digest
	info.FinishedAt = o.Now()
	info.DurationMS = info.FinishedAt.Sub(started).Milliseconds()
	info.CacheHits, info.CacheMisses = in.cacheHits, in.cacheMisses
	info.Cache = in.cacheStats()
	res.BuildInfo = info
	if err := attach(res, cfg, in); err != nil {
		return nil, err
	}
	if err := signAttestations(ctx, res, cfg, sign); err != nil {
		return nil, err
	}
	if err := publishAll(ctx, res, cfg, in, o); err != nil {
		return res, err
	}
	return res, nil
}

func (o *Options) defaults() {
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.CacheDir == "" {
		if d, err := os.UserCacheDir(); err == nil {
			o.CacheDir = filepath.Join(d, "pinwheel")
		}
	}
}

func publishAll(ctx context.Context, res *Result, cfg *config.Config, in *inputs, o *Options) error {
	if len(o.Outputs) == 0 {
		return nil
	}
	var m publish.MultiPublisher
	for _, out := range o.Outputs {
		p, err := publish.New(out, publish.WithRemoteOptions(o.Remote...))
		if err != nil {
			return &usageErr{err}
		}
		m = append(m, p)
	}
	a := publish.Artifact{Image: res.Image, Index: res.Index, Tag: cfg.Service + ":" + in.info.Version, Signed: res.Signed}
	a.Attachments = append(a.Attachments, publish.Attachment{Kind: "att", ArtifactType: attest.ProvenanceMediaType,
		FileName: "provenance.intoto.json", Data: res.Provenance})
	if res.SBOM != nil {
		a.Attachments = append(a.Attachments, publish.Attachment{Kind: "sbom", ArtifactType: "application/vnd.cyclonedx+json",
			FileName: "sbom.cdx.json", Data: res.SBOM})
	}
	results, err := m.PublishAll(ctx, a)
	res.Outputs = results
	return err
}

// usageErr marks a bad flag value.
type usageErr struct{ error }

func (u *usageErr) Unwrap() error { return u.error }

// IsUsage reports whether err came from a bad option value.
func IsUsage(err error) bool {
	var u *usageErr
	return errors.As(err, &u)
}

func lockPath(cfg *config.Config) (string, error) {
	if cfg.Lockfile != "" {
		return filepath.Join(cfg.Dir, filepath.FromSlash(cfg.Lockfile)), nil
	}
	return lock.Detect(cfg.Dir)
}
