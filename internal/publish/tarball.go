package publish

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// tarballPublisher writes a `docker load`/`podman load` tarball.
type tarballPublisher struct{ path string }

var _ Publisher = (*tarballPublisher)(nil)

func (p *tarballPublisher) String() string { return "tar:" + p.path }

// Publish writes the image (single platform only) tagged with a.Tag, via a
// temp file renamed into place; attachments go beside it as files.
func (p *tarballPublisher) Publish(ctx context.Context, a Artifact) (Result, error) {
	if a.Index != nil {
		return Result{}, errors.New("a docker tarball holds one platform; build with a single --platform for tar: outputs")
	}
	if a.Image == nil {
		return Result{}, errors.New("nothing to write")
	}
	tag := a.Tag
	if tag == "" {
		tag = "pinwheel-image:latest"
	}
	ref, err := name.NewTag(tag)
	if err != nil {
		return Result{}, fmt.Errorf("tarball tag %q: %w", tag, err)
	}
	dir := filepath.Dir(filepath.Clean(p.path))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(p.path)+".tmp-*")
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(tmp.Name())
	err = tarball.Write(ref, a.Image, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Result{}, fmt.Errorf("write tarball %s: %w", p.path, err)
	}
	if err := os.Rename(tmp.Name(), p.path); err != nil {
		return Result{}, err
	}
	d, err := a.Image.Digest()
	if err != nil {
		return Result{}, err
	}
	res := Result{Output: p.String(), Digest: d.String(), Ref: ref.String()}
	files, err := writeBeside(p.path, append(a.Attachments, signedFiles(a.Signed)...))
	if err != nil {
		return Result{}, err
	}
	res.Attachments = files
	return res, nil
}
