package build

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/debian"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// buildBaseImage is the image source builds run in: the runtime base, or
// with Options.BuildBase a build-only Debian base — the runtime base's
// packages at the same versions plus compilers and headers (gcc,
// python3.11-dev) — assembled like the runtime base, from its pools and
// mirror. It is never part of the output image.
func buildBaseImage(ctx context.Context, cfg *config.Config, in *inputs, o *Options, p v1.Platform) (v1.Image, error) {
	if o.BuildBase == "" {
		return in.base.Image(p)
	}
	if cfg.Debian == nil || in.debian == nil {
		return nil, &usageErr{fmt.Errorf("--build-base %s: a build-only base extends a Debian base (base.debian in %s)", o.BuildBase, config.FileName)}
	}
	l, err := debian.ReadLock(o.BuildBase)
	if err != nil {
		return nil, &usageErr{fmt.Errorf("--build-base: %w", err)}
	}
	if err := extendsBase(l, in.debian.Lock); err != nil {
		return nil, &usageErr{inputerr.At(o.BuildBase, 0, 0, "%v", err)}
	}
	d := cfg.Debian
	cache := &debian.Cache{Mirror: d.Mirror, Dir: filepath.Join(o.CacheDir, "debs")}
	for _, pool := range d.Pools {
		cache.Pools = append(cache.Pools, poolPath(cfg, pool))
	}
	b, err := debian.Assemble(ctx, l, cache, o.CacheDir)
	if err != nil {
		return nil, fmt.Errorf("build base %s: %w", o.BuildBase, err)
	}
	return b.Image, nil
}

// extendsBase checks that the build base holds every runtime package at
// the same version, so what is built there runs in the runtime image.
func extendsBase(build, runtime *debian.Lock) error {
	if build.Suite != runtime.Suite || build.Architecture != runtime.Architecture {
		return fmt.Errorf("locked for %s/%s, the runtime base for %s/%s", build.Suite, build.Architecture, runtime.Suite, runtime.Architecture)
	}
	have := map[string]string{}
	for _, p := range build.Packages {
		have[p.Name] = p.Version
	}
	var bad []string
	for _, p := range runtime.Packages {
		if have[p.Name] != p.Version {
			bad = append(bad, fmt.Sprintf("%s %s (build base: %q)", p.Name, p.Version, have[p.Name]))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("a build base must hold the runtime base's packages at the same versions; it differs in %s: lock both from the same apt index (pinwheel base lock)", strings.Join(bad, ", "))
	}
	return nil
}
