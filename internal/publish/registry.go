package publish

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// registryPublisher pushes to REGISTRY/REPO[:TAG] with the Docker config keychain.
type registryPublisher struct {
	output string
	ref    name.Reference
	opts   []remote.Option
}

var _ Publisher = (*registryPublisher)(nil)

func newRegistryPublisher(output string, opts []remote.Option) (*registryPublisher, error) {
	ref, err := name.ParseReference(output)
	if err != nil {
		return nil, fmt.Errorf("output %q is not oci:PATH, tar:PATH or a registry reference: %w", output, err)
	}
	if _, ok := ref.(name.Digest); ok {
		return nil, fmt.Errorf("output %q: push to a repository or tag, not a digest", output)
	}
	return &registryPublisher{output: output, ref: ref, opts: opts}, nil
}

func (p *registryPublisher) String() string { return p.output }

func (p *registryPublisher) remoteOpts(ctx context.Context) []remote.Option {
	return append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}, p.opts...)
}

// Publish pushes the image or index under the tag, then each attachment as
// a referrer. go-containerregistry keeps the OCI referrers tag schema index
// up to date when the registry has no referrers API; for those registries
// the attachment is also tagged cosign-style (sha256-<hex>.att / .sbom).
func (p *registryPublisher) Publish(ctx context.Context, a Artifact) (Result, error) {
	opts := p.remoteOpts(ctx)
	var err error
	if a.Index != nil {
		err = remote.WriteIndex(p.ref, a.Index, opts...)
	} else if a.Image != nil {
		err = remote.Write(p.ref, a.Image, opts...)
	} else {
		_, err = a.subject()
	}
	if err != nil {
		return Result{}, fmt.Errorf("push %s: %w", p.ref, err)
	}
	s, _ := a.subject()
	desc, err := partial.Descriptor(s)
	if err != nil {
		return Result{}, err
	}
	repo := p.ref.Context()
	res := Result{Output: p.output, Digest: desc.Digest.String(), Ref: repo.Digest(desc.Digest.String()).String()}
	for _, att := range a.Attachments {
		r, err := p.attach(ctx, repo, *desc, att, len(a.Signed) > 0)
		if err != nil {
			return res, fmt.Errorf("attach %s to %s: %w", att.Kind, res.Ref, err)
		}
		res.Attachments = append(res.Attachments, r)
	}
	if len(a.Signed) > 0 {
		r, err := p.attachSigned(ctx, repo, desc.Digest, a.Signed)
		if err != nil {
			return res, fmt.Errorf("attach signed attestations to %s: %w", res.Ref, err)
		}
		res.Attachments = append(res.Attachments, r)
	}
	return res, nil
}

// attachSigned pushes the signed attestations as cosign does: one image
// tagged sha256-<hex>.att, a DSSE envelope per layer. It replaces what the
// tag held (a rebuild of the same digest signs again).
func (p *registryPublisher) attachSigned(ctx context.Context, repo name.Repository, subject v1.Hash, signed []Signed) (AttachmentResult, error) {
	img, err := attestationImage(signed)
	if err != nil {
		return AttachmentResult{}, err
	}
	tag := repo.Tag(AttestationTag(subject))
	if err := remote.Write(tag, img, p.remoteOpts(ctx)...); err != nil {
		return AttachmentResult{}, err
	}
	d, err := img.Digest()
	if err != nil {
		return AttachmentResult{}, err
	}
	return AttachmentResult{Kind: "signed", Digest: d.String(), Ref: tag.String()}, nil
}

// attach pushes att as a referrer of subject. Without the referrers API it
// is also tagged sha256-<hex>.<kind>, except an unsigned "att" when signed
// attestations take that tag.
func (p *registryPublisher) attach(ctx context.Context, repo name.Repository, subject v1.Descriptor, att Attachment, signed bool) (AttachmentResult, error) {
	img, err := referrerImage(att, subject)
	if err != nil {
		return AttachmentResult{}, err
	}
	d, err := img.Digest()
	if err != nil {
		return AttachmentResult{}, err
	}
	opts := p.remoteOpts(ctx)
	if err := remote.Write(repo.Digest(d.String()), img, opts...); err != nil {
		return AttachmentResult{}, err
	}
	r := AttachmentResult{Kind: att.Kind, Digest: d.String(), Ref: repo.Digest(d.String()).String()}
	if supportsReferrers(repo.Digest(subject.Digest.String()), opts) || (signed && att.Kind == "att") {
		r.Referrers = true
		return r, nil
	}
	tag := repo.Tag(strings.Replace(subject.Digest.String(), ":", "-", 1) + "." + att.Kind)
	if err := remote.Write(tag, img, opts...); err != nil {
		return r, fmt.Errorf("tag fallback %s: %w", tag, err)
	}
	r.Ref = tag.String()
	return r, nil
}

// supportsReferrers asks the registry's referrers API, without the tag fallback.
func supportsReferrers(d name.Digest, opts []remote.Option) bool {
	_, err := remote.Referrers(d, append(opts, remote.WithReferrersTagFallback(false))...)
	return err == nil
}
