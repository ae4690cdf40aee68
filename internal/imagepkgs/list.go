package imagepkgs

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/vuln"
)

// Result is an image's package list and where it came from.
type Result struct {
	Digest   string // the image's manifest digest
	From     string // "sbom" or "layers"
	Packages []vuln.Located
}

// List opens ref — oci:DIR[@sha256:…], tar:FILE (as pinwheel build
// --output writes them) or a registry reference — and lists its packages:
// from its attached SBOM when it has one, else from its layers.
func List(ctx context.Context, ref string, opts ...remote.Option) (Result, error) {
	img, sbom, err := open(ctx, ref, opts)
	if err != nil {
		return Result{}, err
	}
	d, err := img.Digest()
	if err != nil {
		return Result{}, err
	}
	res := Result{Digest: d.String()}
	data, ok, err := sbom(d)
	if err != nil {
		return Result{}, fmt.Errorf("image %s: attached SBOM: %w", inputerr.Excerpt(ref), err)
	}
	if ok {
		res.From = "sbom"
		res.Packages, err = FromSBOM(ref+" (sbom)", data)
		return res, err
	}
	res.From = "layers"
	res.Packages, err = FromLayers(img)
	return res, err
}

// open returns the image and a lookup of its attached SBOM.
func open(ctx context.Context, ref string, opts []remote.Option) (v1.Image, func(v1.Hash) ([]byte, bool, error), error) {
	kind, path, _ := strings.Cut(ref, ":")
	switch kind {
	case "oci":
		img, err := container.OpenImage(ref)
		if err != nil {
			return nil, nil, &inputerr.Error{Msg: err.Error()}
		}
		dir, _, _ := strings.Cut(path, "@")
		return img, func(d v1.Hash) ([]byte, bool, error) { return LayoutSBOM(dir, d) }, nil
	case "tar":
		img, err := container.OpenImage(ref)
		if err != nil {
			return nil, nil, &inputerr.Error{Msg: err.Error()}
		}
		return img, func(v1.Hash) ([]byte, bool, error) { return BesideSBOM(path) }, nil
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, nil, &inputerr.Error{Msg: fmt.Sprintf("image %s: want oci:DIR, tar:FILE or a registry reference", inputerr.Excerpt(ref)), Err: err}
	}
	opts = append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}, opts...)
	img, err := remote.Image(r, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("image %s: %w", inputerr.Excerpt(ref), err)
	}
	return img, func(d v1.Hash) ([]byte, bool, error) {
		return RegistrySBOM(r.Context().Digest(d.String()), opts...)
	}, nil
}
