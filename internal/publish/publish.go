// Package publish owns where built images go: a registry (pushed with the
// standard Docker config credentials), an OCI image layout on disk, or a
// docker-loadable tarball, behind one Publisher interface, plus MultiPublisher
// for several outputs at once. It attaches provenance and SBOMs as OCI 1.1
// referrers (with the cosign-style tag fallback for registries without the
// referrers API) and writes them next to local outputs. It does not build
// images or produce the attestations it attaches.
package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Artifact is what gets published: an image or an index, and what is attached to it.
type Artifact struct {
	Image v1.Image      // set for a single-platform build
	Index v1.ImageIndex // set for a multi-platform build
	// Tag names the artifact where an output needs a name (tarball repo
	// tag, layout ref.name annotation), e.g. "hello:1.2.3".
	Tag         string
	Attachments []Attachment
	// Signed are signed attestations, stored the way cosign stores them
	// (the sha256-<hex>.att image) and as files beside local outputs.
	Signed []Signed
}

// Attachment is a document attached to the artifact (provenance, SBOM).
type Attachment struct {
	// Kind is the cosign-style tag suffix: "att" for attestations, "sbom" for SBOMs.
	Kind string
	// ArtifactType of the referrer manifest, e.g. "application/vnd.in-toto+json".
	ArtifactType string
	// MediaType of the document blob; defaults to ArtifactType.
	MediaType string
	// FileName is used when the document is written next to a local output.
	FileName string
	Data     []byte
}

// Result says where an artifact went.
type Result struct {
	Output      string             `json:"output"` // the output as given
	Ref         string             `json:"ref"`    // a reference by digest
	Digest      string             `json:"digest"`
	Attachments []AttachmentResult `json:"attachments,omitempty"`
}

// AttachmentResult says where one attachment went.
type AttachmentResult struct {
	Kind   string `json:"kind"`
	Digest string `json:"digest,omitempty"` // the referrer manifest's digest
	Ref    string `json:"ref,omitempty"`    // tag or file path
	// Referrers is true when the registry serves it through the referrers API.
	Referrers bool `json:"referrers,omitempty"`
}

// Publisher sends an artifact to one destination.
type Publisher interface {
	Publish(ctx context.Context, a Artifact) (Result, error)
	String() string
}

// Option configures publishers made by New.
type Option func(*options)

type options struct {
	remote []remote.Option
}

// WithRemoteOptions adds go-containerregistry remote options (transport, auth) for registry outputs.
func WithRemoteOptions(o ...remote.Option) Option {
	return func(opts *options) { opts.remote = append(opts.remote, o...) }
}

// New returns the publisher for an --output value: oci:PATH, tar:PATH, or REGISTRY/REPO[:TAG].
func New(output string, opts ...Option) (Publisher, error) {
	o := &options{}
	for _, f := range opts {
		f(o)
	}
	switch {
	case strings.HasPrefix(output, "oci:"):
		p := strings.TrimPrefix(output, "oci:")
		if p == "" {
			return nil, fmt.Errorf("output %q: oci: needs a directory path", output)
		}
		return &layoutPublisher{path: p}, nil
	case strings.HasPrefix(output, "tar:"):
		p := strings.TrimPrefix(output, "tar:")
		if p == "" {
			return nil, fmt.Errorf("output %q: tar: needs a file path", output)
		}
		return &tarballPublisher{path: p}, nil
	}
	return newRegistryPublisher(output, o.remote)
}

// MultiPublisher publishes to every publisher in turn and returns all results.
type MultiPublisher []Publisher

// PublishAll publishes a to each publisher; it stops at the first error.
func (m MultiPublisher) PublishAll(ctx context.Context, a Artifact) ([]Result, error) {
	var out []Result
	for _, p := range m {
		r, err := p.Publish(ctx, a)
		if err != nil {
			return out, fmt.Errorf("publish to %s: %w", p, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func (a Artifact) subject() (partial.Describable, error) {
	switch {
	case a.Image != nil && a.Index == nil:
		return a.Image, nil
	case a.Index != nil && a.Image == nil:
		return a.Index, nil
	}
	return nil, errors.New("artifact must hold exactly one of an image or an index")
}

func (a Artifact) digest() (v1.Hash, error) {
	s, err := a.subject()
	if err != nil {
		return v1.Hash{}, err
	}
	return s.Digest()
}
