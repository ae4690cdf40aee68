package container

import (
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/match"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/publish"
)

// InputError is a bad IMAGE or option: the caller's input, not the runtime.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// IsInput reports whether err is the caller's input error.
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

func inputf(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// OpenImage opens ref, in the forms `pinwheel build --output` writes:
// oci:DIR (an OCI image layout; oci:DIR@sha256:… picks one manifest when
// the layout holds several) or tar:FILE (a docker/podman tarball). A layout
// holding an index for several platforms yields this machine's.
func OpenImage(ref string) (v1.Image, error) {
	kind, path, ok := strings.Cut(ref, ":")
	if !ok || path == "" || (kind != "oci" && kind != "tar") {
		return nil, inputf("image %s: want oci:DIR or tar:FILE (as `pinwheel build --output` writes)", inputerr.Excerpt(ref))
	}
	if kind == "tar" {
		if _, err := os.Stat(path); err != nil {
			return nil, &InputError{Err: fmt.Errorf("image %s: %w", inputerr.Excerpt(ref), err)}
		}
		img, err := tarball.ImageFromPath(path, nil)
		if err != nil {
			return nil, &InputError{Err: fmt.Errorf("image %s: not a docker/podman tarball: %w", inputerr.Excerpt(ref), err)}
		}
		return img, nil
	}
	dir, digest := path, ""
	if i := strings.LastIndex(path, "@sha256:"); i >= 0 {
		dir, digest = path[:i], path[i+1:]
	}
	img, idx, err := publish.ReadLayout(dir, digest)
	if err != nil {
		return nil, &InputError{Err: fmt.Errorf("image %s: %w", inputerr.Excerpt(ref), err)}
	}
	if img != nil {
		return img, nil
	}
	img, err = platformImage(idx)
	if err != nil {
		return nil, &InputError{Err: fmt.Errorf("image %s: %w", inputerr.Excerpt(ref), err)}
	}
	return img, nil
}

// platformImage picks linux/GOARCH out of a multi-platform index.
func platformImage(idx v1.ImageIndex) (v1.Image, error) {
	want := v1.Platform{OS: "linux", Architecture: goruntime.GOARCH}
	imgs, err := partial.FindImages(idx, match.Platforms(want))
	if err != nil {
		return nil, err
	}
	if len(imgs) == 0 {
		return nil, fmt.Errorf("no image for %s in the index", want.String())
	}
	return imgs[0], nil
}
