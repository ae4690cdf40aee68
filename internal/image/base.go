package image

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// BaseKind says where a base image comes from.
type BaseKind string

// Base kinds.
const (
	BaseRegistry BaseKind = "registry" // Ref@Digest in a registry
	BaseLayout   BaseKind = "oci"      // an OCI image layout at Path, Digest optional
	BaseTarball  BaseKind = "tar"      // an image tarball at Path
	BaseDebian   BaseKind = "debian"   // assembled in process from the Debian lock at Path
)

// BaseRef says where a base image is. pinwheel.yaml's `base:` is parsed and
// validated by internal/config; internal/build hands the result here.
type BaseRef struct {
	Kind BaseKind
	// Ref is the registry reference (registry kind), Path the local path.
	Ref, Path string
	// Digest pins the base ("sha256:…"); required for registry bases,
	// optional for a layout (it selects the manifest), unused otherwise.
	Digest string
}

// String says where the base is, for messages.
func (b BaseRef) String() string {
	switch b.Kind {
	case BaseRegistry:
		return b.Ref + "@" + b.Digest
	case BaseDebian:
		return "the Debian base of " + b.Path
	}
	s := string(b.Kind) + " " + b.Path
	if b.Digest != "" {
		s += " (" + b.Digest + ")"
	}
	return s
}

// Base is a resolved base image: one image, or an index to pick platforms from.
type Base struct {
	Ref BaseRef
	// Digest is the digest the base resolved to (the pinned one for
	// registry bases): the value recorded in build-info and provenance.
	Digest v1.Hash
	index  v1.ImageIndex
	single v1.Image
}

// ResolveBase opens the base image ref. Local paths are relative to dir.
// Registry bases are pulled by digest with the default keychain (Docker
// config, credential helpers); go-containerregistry verifies the digest.
func ResolveBase(ctx context.Context, ref BaseRef, dir string, opts ...remote.Option) (*Base, error) {
	b := &Base{Ref: ref}
	local := ref.Path
	if local != "" && !filepath.IsAbs(local) {
		local = filepath.Join(dir, local)
	}
	switch ref.Kind {
	case BaseRegistry:
		r, err := name.NewDigest(ref.Ref + "@" + ref.Digest)
		if err != nil {
			return nil, fmt.Errorf("base %s: %w", ref, err)
		}
		opts = append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}, opts...)
		desc, err := remote.Get(r, opts...)
		if err != nil {
			return nil, fmt.Errorf("pull base %s: %w", ref, err)
		}
		b.Digest = desc.Digest
		if desc.MediaType.IsIndex() {
			b.index, err = desc.ImageIndex()
		} else {
			b.single, err = desc.Image()
		}
		if err != nil {
			return nil, fmt.Errorf("pull base %s: %w", ref, err)
		}
	case BaseLayout:
		idx, err := layout.ImageIndexFromPath(local)
		if err != nil {
			return nil, fmt.Errorf("open base layout %s: %w", local, err)
		}
		if err := b.fromLayout(idx, ref.Digest); err != nil {
			return nil, fmt.Errorf("base %s: %w", ref, err)
		}
	case BaseTarball:
		img, err := tarball.ImageFromPath(local, nil)
		if err != nil {
			return nil, fmt.Errorf("open base tarball %s: %w", local, err)
		}
		b.single = img
		if b.Digest, err = img.Digest(); err != nil {
			return nil, fmt.Errorf("base %s: %w", ref, err)
		}
	default:
		return nil, fmt.Errorf("base %q: unknown kind", ref)
	}
	return b, nil
}

// NewBase wraps an image assembled in process (a Debian base) as a Base.
func NewBase(ref BaseRef, img v1.Image) (*Base, error) {
	d, err := img.Digest()
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", ref, err)
	}
	return &Base{Ref: ref, Digest: d, single: img}, nil
}

// fromLayout picks the pinned manifest from a layout's index.json, or the
// only one when nothing is pinned.
func (b *Base) fromLayout(idx v1.ImageIndex, digest string) error {
	im, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	var pick *v1.Descriptor
	switch {
	case digest != "":
		for i := range im.Manifests {
			if im.Manifests[i].Digest.String() == digest {
				pick = &im.Manifests[i]
			}
		}
		if pick == nil {
			return fmt.Errorf("the layout holds no manifest %s", digest)
		}
	case len(im.Manifests) == 1:
		pick = &im.Manifests[0]
	default:
		return fmt.Errorf("the layout holds %d manifests; pin one with oci:PATH@sha256:…", len(im.Manifests))
	}
	b.Digest = pick.Digest
	if pick.MediaType.IsIndex() {
		b.index, err = idx.ImageIndex(pick.Digest)
	} else {
		b.single, err = idx.Image(pick.Digest)
	}
	return err
}

// Image returns the base image for platform.
func (b *Base) Image(p v1.Platform) (v1.Image, error) {
	if b.single != nil {
		cf, err := b.single.ConfigFile()
		if err != nil {
			return nil, err
		}
		if cf.OS != "" && (cf.OS != p.OS || cf.Architecture != p.Architecture) {
			return nil, fmt.Errorf("base %s is %s/%s, not %s", b.Ref, cf.OS, cf.Architecture, p)
		}
		return b.single, nil
	}
	im, err := b.index.IndexManifest()
	if err != nil {
		return nil, err
	}
	for _, d := range im.Manifests {
		if d.Platform != nil && d.Platform.OS == p.OS && d.Platform.Architecture == p.Architecture &&
			(p.Variant == "" || d.Platform.Variant == p.Variant) {
			return b.index.Image(d.Digest)
		}
	}
	return nil, fmt.Errorf("base %s has no image for %s", b.Ref, p)
}
