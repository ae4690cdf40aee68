package drift

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/image"
)

// ResolveBases is the Resolver of recorded base references: a registry
// base's tag (the reference without its pinned digest) asked of the
// registry, an OCI layout's or tarball's image read again from dir (the
// project; a layout's pinned digest is dropped so its image now is read).
// A base assembled from a Debian lock is not judged.
func ResolveBases(dir string, opts ...remote.Option) Resolver {
	return func(ctx context.Context, recorded string) (string, bool, error) {
		ref, err := config.ParseBase(recorded)
		if err != nil {
			return "", false, nil // not an image reference (a Debian base)
		}
		switch ref.Kind {
		case config.BaseRegistry:
			tag, err := name.ParseReference(ref.Ref)
			if err != nil {
				return "", true, fmt.Errorf("%s: %w", recorded, err)
			}
			desc, err := remote.Head(tag, append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}, opts...)...)
			if err != nil {
				return "", true, err
			}
			return desc.Digest.String(), true, nil
		case config.BaseLayout, config.BaseTarball:
			b, err := image.ResolveBase(ctx, image.BaseRef{Kind: image.BaseKind(ref.Kind), Path: ref.Path}, dir)
			if err != nil {
				return "", true, err
			}
			return b.Digest.String(), true, nil
		}
		return "", false, nil
	}
}
