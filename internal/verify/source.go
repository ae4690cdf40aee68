package verify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"pinwheel.dev/pinwheel/internal/publish"
)

// Subject is an image and the signed attestations found for it.
type Subject struct {
	// Ref is the image as named; Where says where attestations were looked for.
	Ref, Where string
	Digest     v1.Hash
	Signed     []publish.Signed
}

// InputError is a reference, file or key that cannot be used (exit 2),
// as opposed to an image that does not verify.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// IsInput says whether err is an InputError.
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// Fetch resolves ref — REGISTRY/REPO[:TAG|@sha256:…], oci:PATH[@sha256:…]
// — to its digest and the signed attestations stored with it: the
// sha256-<hex>.att image.
func Fetch(ctx context.Context, ref string, opts ...remote.Option) (Subject, error) {
	switch {
	case strings.HasPrefix(ref, "oci:"):
		return fetchLayout(ref)
	case strings.HasPrefix(ref, "tar:"):
		return Subject{}, inputErr("%s: a docker tarball does not keep the image's manifest digest, which the attestations are about; verify the registry or oci: output (the envelopes beside it, PATH.*.dsse.json, are plain DSSE files)", ref)
	}
	return fetchRegistry(ctx, ref, opts)
}

func fetchLayout(ref string) (Subject, error) {
	path, digest, _ := strings.Cut(strings.TrimPrefix(ref, "oci:"), "@")
	if path == "" {
		return Subject{}, inputErr("%s: expected oci:PATH[@sha256:DIGEST]", ref)
	}
	img, idx, err := publish.ReadLayout(path, digest)
	if err != nil {
		return Subject{}, inputErr("%s: %w", ref, err)
	}
	var d v1.Hash
	if img != nil {
		d, err = img.Digest()
	} else {
		d, err = idx.Digest()
	}
	if err != nil {
		return Subject{}, inputErr("%s: %w", ref, err)
	}
	signed, err := publish.ReadLayoutAttestations(path, d)
	if err != nil {
		return Subject{}, fmt.Errorf("%s: read attestations: %w", ref, err)
	}
	return Subject{Ref: ref, Where: "oci:" + path + " (ref.name " + publish.AttestationTag(d) + ")", Digest: d, Signed: signed}, nil
}

func fetchRegistry(ctx context.Context, ref string, opts []remote.Option) (Subject, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return Subject{}, inputErr("%q is not oci:PATH, tar:PATH or a registry reference: %w", ref, err)
	}
	opts = append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}, opts...)
	desc, err := remote.Head(r, opts...)
	if err != nil {
		return Subject{}, inputErr("%s: %w", ref, err)
	}
	tag := r.Context().Tag(publish.AttestationTag(desc.Digest))
	s := Subject{Ref: ref, Where: tag.String(), Digest: desc.Digest}
	img, err := remote.Image(tag, opts...)
	var terr *transport.Error
	if errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound {
		return s, nil
	}
	if err != nil {
		return Subject{}, fmt.Errorf("%s: %w", tag, err)
	}
	if s.Signed, err = publish.ReadAttestations(img); err != nil {
		return Subject{}, fmt.Errorf("%s: %w", tag, err)
	}
	return s, nil
}
