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

const refNameKey = "org.opencontainers.image.ref.name"

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
	if a.Tag != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{refNameKey: a.Tag}))
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
		if err := lp.ReplaceImage(img, match.Digests(d), layout.WithAnnotations(map[string]string{"dev.pinwheel.attachment": att.Kind})); err != nil {
			return Result{}, fmt.Errorf("write %s referrer: %w", att.Kind, err)
		}
		res.Attachments = append(res.Attachments, AttachmentResult{Kind: att.Kind, Digest: d.String(), Ref: "oci:" + p.path + "@" + d.String()})
	}
	if fresh {
		if err := os.Rename(target, p.path); err != nil {
			return Result{}, fmt.Errorf("move layout into place: %w", err)
		}
	}
	files, err := writeBeside(p.path, a.Attachments)
	if err != nil {
		return Result{}, err
	}
	res.Attachments = append(res.Attachments, files...)
	return res, nil
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
		if _, isAtt := m.Annotations["dev.pinwheel.attachment"]; isAtt {
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
