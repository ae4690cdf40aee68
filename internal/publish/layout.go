package publish

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/match"
	"github.com/google/go-containerregistry/pkg/v1/partial"
)

// layoutPublisher writes an OCI image layout directory.
type layoutPublisher struct{ path string }

var _ Publisher = (*layoutPublisher)(nil)

func (p *layoutPublisher) String() string { return "oci:" + p.path }

const (
	refNameKey    = "org.opencontainers.image.ref.name"
	attachmentKey = "dev.pinwheel.attachment"
	// cosign's layout format (cosign save): index.json entries by "kind".
	cosignKindKey   = "kind"
	cosignKindImage = "dev.cosignproject.cosign/image"
	cosignKindIndex = "dev.cosignproject.cosign/imageIndex"
	cosignKindAtts  = "dev.cosignproject.cosign/atts"
)

// Publish writes the artifact into the layout at path, replacing any
// manifest with the same ref.name, and its attachments as referrer manifests
// in the same layout and as files beside it (PATH.<file name>). A new layout
// is assembled in a temp directory and renamed into place, so an interrupted
// build leaves no half-written layout.
func (p *layoutPublisher) Publish(ctx context.Context, a Artifact) (Result, error) {
	s, err := a.subject()
	if err != nil {
		return Result{}, err
	}
	target := p.path
	fresh := false
	if _, err := os.Stat(filepath.Join(p.path, "index.json")); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(p.path)), 0o755); err != nil {
			return Result{}, err
		}
		target, err = os.MkdirTemp(filepath.Dir(filepath.Clean(p.path)), "."+filepath.Base(p.path)+".tmp-*")
		if err != nil {
			return Result{}, err
		}
		defer os.RemoveAll(target)
		fresh = true
	}
	lp, err := openLayout(target)
	if err != nil {
		return Result{}, err
	}
	var opts []layout.Option
	matcher := match.Annotation(refNameKey, a.Tag)
	if ann := imageAnnotations(a); len(ann) > 0 {
		opts = append(opts, layout.WithAnnotations(ann))
	}
	if a.Index != nil {
		err = replace(a.Tag == "", func() error { return lp.AppendIndex(a.Index, opts...) },
			func() error { return lp.ReplaceIndex(a.Index, matcher, opts...) })
	} else {
		err = replace(a.Tag == "", func() error { return lp.AppendImage(a.Image, opts...) },
			func() error { return lp.ReplaceImage(a.Image, matcher, opts...) })
	}
	if err != nil {
		return Result{}, fmt.Errorf("write layout %s: %w", p.path, err)
	}
	desc, err := partial.Descriptor(s)
	if err != nil {
		return Result{}, err
	}
	res := Result{Output: p.String(), Digest: desc.Digest.String(), Ref: "oci:" + p.path + "@" + desc.Digest.String()}
	for _, att := range a.Attachments {
		img, err := referrerImage(att, *desc)
		if err != nil {
			return Result{}, err
		}
		d, _ := img.Digest()
		if err := lp.ReplaceImage(img, match.Digests(d), layout.WithAnnotations(map[string]string{attachmentKey: att.Kind})); err != nil {
			return Result{}, fmt.Errorf("write %s referrer: %w", att.Kind, err)
		}
		res.Attachments = append(res.Attachments, AttachmentResult{Kind: att.Kind, Digest: d.String(), Ref: "oci:" + p.path + "@" + d.String()})
	}
	if len(a.Signed) > 0 {
		r, err := writeSignedToLayout(lp, p.path, desc.Digest, a.Signed)
		if err != nil {
			return Result{}, err
		}
		res.Attachments = append(res.Attachments, r)
	}
	if fresh {
		if err := os.Rename(target, p.path); err != nil {
			return Result{}, fmt.Errorf("move layout into place: %w", err)
		}
	}
	files, err := writeBeside(p.path, append(a.Attachments, signedFiles(a.Signed)...))
	if err != nil {
		return Result{}, err
	}
	res.Attachments = append(res.Attachments, files...)
	return res, nil
}

// writeSignedToLayout adds cosign's attestation image for subject to the
// layout, named by its tag (org.opencontainers.image.ref.name
// sha256-<hex>.att), replacing an earlier one.
func writeSignedToLayout(lp layout.Path, path string, subject v1.Hash, signed []Signed) (AttachmentResult, error) {
	img, err := attestationImage(signed)
	if err != nil {
		return AttachmentResult{}, err
	}
	tag := AttestationTag(subject)
	ann := map[string]string{refNameKey: tag, attachmentKey: AttestationKind, cosignKindKey: cosignKindAtts}
	if err := lp.ReplaceImage(img, match.Annotation(refNameKey, tag), layout.WithAnnotations(ann)); err != nil {
		return AttachmentResult{}, fmt.Errorf("write signed attestations: %w", err)
	}
	d, err := img.Digest()
	if err != nil {
		return AttachmentResult{}, err
	}
	return AttachmentResult{Kind: "signed", Digest: d.String(), Ref: "oci:" + path + "@" + d.String()}, nil
}

// ReadLayoutAttestations returns the signed attestations the layout at path
// holds for subject (none when it holds none).
func ReadLayoutAttestations(path string, subject v1.Hash) ([]Signed, error) {
	idx, err := layout.ImageIndexFromPath(path)
	if err != nil {
		return nil, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	tag := AttestationTag(subject)
	for _, m := range im.Manifests {
		if m.Annotations[refNameKey] != tag {
			continue
		}
		img, err := idx.Image(m.Digest)
		if err != nil {
			return nil, err
		}
		return ReadAttestations(img)
	}
	return nil, nil
}

// imageAnnotations are the index.json annotations of the artifact: its
// ref.name, and with signed attestations the "kind" cosign's layout reader
// (cosign verify-attestation --local-image) looks the image up by.
func imageAnnotations(a Artifact) map[string]string {
	ann := map[string]string{}
	if a.Tag != "" {
		ann[refNameKey] = a.Tag
	}
	if len(a.Signed) > 0 {
		ann[cosignKindKey] = cosignKindImage
		if a.Index != nil {
			ann[cosignKindKey] = cosignKindIndex
		}
	}
	return ann
}

func replace(appendOnly bool, appendFn, replaceFn func() error) error {
	if appendOnly {
		return appendFn()
	}
	return replaceFn()
}

func openLayout(dir string) (layout.Path, error) {
	if lp, err := layout.FromPath(dir); err == nil {
		return lp, nil
	}
	return layout.Write(dir, empty.Index)
}

// ReadLayout returns the image or index with digest d (or the only one
// tagged/present when d is empty) from the layout at path.
func ReadLayout(path string, d string) (v1.Image, v1.ImageIndex, error) {
	idx, err := layout.ImageIndexFromPath(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not an OCI layout: %w", path, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	var pick *v1.Descriptor
	for i, m := range im.Manifests {
		if _, isAtt := m.Annotations[attachmentKey]; isAtt {
			continue
		}
		if d == "" || m.Digest.String() == d {
			if pick != nil && d == "" {
				return nil, nil, fmt.Errorf("layout %s holds several images; name one with @sha256:…", path)
			}
			pick = &im.Manifests[i]
		}
	}
	if pick == nil && d == "" {
		return nil, nil, fmt.Errorf("layout %s holds no image", path)
	}
	if pick == nil {
		return nil, nil, fmt.Errorf("layout %s holds no image %s", path, d)
	}
	if pick.MediaType.IsIndex() {
		ii, err := idx.ImageIndex(pick.Digest)
		return nil, ii, err
	}
	img, err := idx.Image(pick.Digest)
	return img, nil, err
}
