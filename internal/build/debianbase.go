package build

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/debian"
	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// resolveBase opens the configured base: a registry, layout or tarball
// image, or one assembled from base.debian's lock.
func resolveBase(ctx context.Context, cfg *config.Config, o *Options, in *inputs) (config.BaseRef, error) {
	if cfg.Debian == nil {
		ref, err := config.ParseBase(cfg.Base)
		if err != nil {
			return ref, err
		}
		in.base, err = image.ResolveBase(ctx, imageBase(ref), cfg.Dir, o.Remote...)
		return ref, err
	}
	ref := config.BaseRef{Kind: config.BaseDebian, Path: cfg.Debian.Lock}
	db, err := debianBase(ctx, cfg, o)
	if err != nil {
		return ref, err
	}
	in.debian = db
	in.base, err = image.NewBase(imageBase(ref), db.Image)
	return ref, err
}

// imageBase is where the image library finds the base config names.
func imageBase(ref config.BaseRef) image.BaseRef {
	return image.BaseRef{Kind: image.BaseKind(ref.Kind), Ref: ref.Ref, Path: ref.Path, Digest: ref.Digest}
}

// debMaterials are the locked .debs as provenance materials.
func debMaterials(db *debian.Base) []attest.Material {
	if db == nil {
		return nil
	}
	var out []attest.Material
	for _, p := range osPackages(db.Lock) {
		out = append(out, attest.Material{Name: p.Name + "_" + p.Version + "_" + p.Architecture + ".deb",
			URI: p.PURL(), Digest: map[string]string{"sha256": p.SHA256}})
	}
	return out
}

// osPackages are the locked packages as the SBOM lists them.
func osPackages(l *debian.Lock) []attest.OSPackage {
	release := ""
	if v := debian.VersionID(l.Suite); v != "" {
		release = "debian-" + v
	}
	var out []attest.OSPackage
	for _, p := range l.Packages {
		out = append(out, attest.OSPackage{Distro: "debian", Release: release, Name: p.Name, Version: p.Version,
			Architecture: p.Architecture, Source: p.Source, SHA256: strings.ToLower(p.SHA256)})
	}
	return out
}

// LockBase resolves pinwheel.yaml's base.debian against its mirror or
// index and writes the lock file atomically. It returns the lock and the
// path written.
func LockBase(ctx context.Context, cfg *config.Config) (*debian.Lock, string, error) {
	if cfg.Debian == nil {
		return nil, "", inputerr.At(cfg.Path, 0, 0, "no base.debian section: nothing to lock (base: %q)", cfg.Base)
	}
	d := cfg.Debian
	if d.Mirror == "" && d.Index == "" {
		return nil, "", inputerr.At(cfg.Path, 0, 0, "base.debian needs a mirror URL or a local index to resolve from")
	}
	arch, err := debianArch(cfg)
	if err != nil {
		return nil, "", err
	}
	src := debian.Source{Mirror: d.Mirror, Index: projectPath(cfg, d.Index), Suite: d.Suite,
		Components: d.Components, Arch: arch, Keyring: projectPath(cfg, d.Keyring)}
	l, err := debian.LockBase(ctx, src, debian.Request{Packages: d.Packages, Exclude: d.Exclude, Arch: arch})
	var ie *inputerr.Error
	if errors.As(err, &ie) && ie.Path == "" {
		err = cfg.ErrorAt("base.debian.packages", err) // a requested package: point at the list
	}
	if err != nil {
		return nil, "", err
	}
	path := projectPath(cfg, d.Lock)
	return l, path, debian.WriteLock(path, l)
}

// debianBase assembles the base image from the project's base.lock, the
// .debs cached by SHA256 beside the wheel cache (CacheDir/debs) and the
// layers in the layer cache.
func debianBase(ctx context.Context, cfg *config.Config, o *Options) (*debian.Base, error) {
	d := cfg.Debian
	l, err := debian.ReadLock(projectPath(cfg, d.Lock))
	if err != nil {
		return nil, err
	}
	arch, err := debianArch(cfg)
	if err != nil {
		return nil, err
	}
	if l.Architecture != arch || l.Suite != d.Suite {
		return nil, inputerr.At(projectPath(cfg, d.Lock), 0, 0, "locked for %s/%s, but %s asks for %s/%s: run `pinwheel base lock`", l.Suite, l.Architecture, config.FileName, d.Suite, arch)
	}
	cache := &debian.Cache{Mirror: d.Mirror, Dir: filepath.Join(o.CacheDir, "debs")}
	if o.CacheDir == "" {
		cache.Dir = filepath.Join(os.TempDir(), "pinwheel-debs")
	}
	for _, p := range d.Pools {
		cache.Pools = append(cache.Pools, poolPath(cfg, p))
	}
	return debian.Assemble(ctx, l, cache, o.CacheDir)
}

// poolPath resolves a pool: "~/" is the home directory (a pool such as
// ~/.cache/pinwheel/apt-debs, where `apt-get download` put the .debs, is the
// same on every checkout); other relative paths are the project's.
func poolPath(cfg *config.Config, p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, filepath.FromSlash(rest))
		}
	}
	return projectPath(cfg, p)
}

func debianArch(cfg *config.Config) (string, error) {
	p, err := v1.ParsePlatform(cfg.Platforms[0])
	if err != nil {
		return "", err
	}
	return debian.DebianArch(p.Architecture, p.Variant), nil
}

// projectPath resolves p against the project directory ("" stays "").
func projectPath(cfg *config.Config, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(cfg.Dir, filepath.FromSlash(p))
}
