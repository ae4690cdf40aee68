package verify

import (
	"context"
	"errors"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Admission returns a check for a controller to run on each image before
// it rolls out: nil when the image's attestations verify against p, else
// an error listing the problems.
func Admission(p Policy, opts ...remote.Option) func(ctx context.Context, image string) error {
	return func(ctx context.Context, image string) error {
		r, err := Image(ctx, image, p, opts...)
		if err != nil {
			return err
		}
		if !r.Verified {
			return errors.New("its attestations do not verify: " + strings.Join(r.Problems, "; "))
		}
		return nil
	}
}
