package image_test

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
)

func TestResolveBase(t *testing.T) {
	ctx := context.Background()
	arm := v1.Platform{OS: "linux", Architecture: "arm64"}
	dir := t.TempDir()
	single, err := imagetest.WriteLayout(filepath.Join(dir, "single"))
	if err != nil {
		t.Fatal(err)
	}
	multi, err := imagetest.WriteLayout(filepath.Join(dir, "multi"), amd64, arm)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := imagetest.Base(amd64)
	if err := tarball.WriteToFile(filepath.Join(dir, "base.tar"), name.MustParseReference("base:1"), img); err != nil {
		t.Fatal(err)
	}
	// A docker tarball keeps no manifest: its digest is the one recomputed on read.
	fromTar, err := tarball.ImageFromPath(filepath.Join(dir, "base.tar"), nil)
	if err != nil {
		t.Fatal(err)
	}
	imgDigest, _ := fromTar.Digest()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	idx, _ := image.Index([]v1.Image{img, mustBase(t, arm)}, []v1.Platform{amd64, arm})
	tag, err := name.ParseReference(host + "/python:3.11")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(tag, idx); err != nil {
		t.Fatal(err)
	}
	idxDigest, _ := idx.Digest()

	tests := []struct {
		name, base string
		platform   v1.Platform
		digest     v1.Hash
	}{
		{"layout_single", "oci:single", amd64, single},
		{"layout_pinned", "oci:single@" + single.String(), amd64, single},
		{"layout_index_arm", "oci:multi@" + multi.String(), arm, multi},
		{"tarball", "tar:base.tar", amd64, imgDigest},
		{"registry_index", host + "/python@" + idxDigest.String(), arm, idxDigest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := image.ResolveBase(ctx, baseRef(t, tt.base), dir)
			if err != nil {
				t.Fatal(err)
			}
			if b.Digest != tt.digest {
				t.Errorf("digest %s, want %s", b.Digest, tt.digest)
			}
			got, err := b.Image(tt.platform)
			if err != nil {
				t.Fatal(err)
			}
			cf, _ := got.ConfigFile()
			if cf.Architecture != tt.platform.Architecture {
				t.Errorf("arch %s, want %s", cf.Architecture, tt.platform.Architecture)
			}
		})
	}
}

func TestResolveBaseErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, _ := imagetest.WriteLayout(filepath.Join(dir, "single"))
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name, base string
		platform   v1.Platform
		want       string
	}{
		{"wrong_platform", "oci:single", v1.Platform{OS: "linux", Architecture: "arm64"}, "not linux/arm64"},
		{"unknown_digest", "oci:single@sha256:" + strings.Repeat("a", 64), amd64, "no manifest"},
		{"missing_layout", "oci:nowhere", amd64, "open base layout"},
		{"registry_missing", host + "/python@" + d.String(), amd64, "pull base"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := image.ResolveBase(ctx, baseRef(t, tt.base), dir)
			if err == nil {
				_, err = b.Image(tt.platform)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func mustBase(t *testing.T, p v1.Platform) v1.Image {
	img, err := imagetest.Base(p)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// baseRef parses a pinwheel.yaml base value as internal/build does.
func baseRef(t *testing.T, s string) image.BaseRef {
	t.Helper()
	ref, err := config.ParseBase(s)
	if err != nil {
		t.Fatal(err)
	}
	return image.BaseRef{Kind: image.BaseKind(ref.Kind), Ref: ref.Ref, Path: ref.Path, Digest: ref.Digest}
}
