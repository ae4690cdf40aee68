package local

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// hostileLayout writes an image whose layers are the given tars.
func hostileLayout(t *testing.T, layers ...[]*tar.Header) (dir, digest string) {
	t.Helper()
	var ls []v1.Layer
	for _, entries := range layers {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		for _, h := range entries {
			if h.Typeflag == tar.TypeReg {
				h.Size = int64(len(h.Name))
			}
			tw.WriteHeader(h)
			if h.Typeflag == tar.TypeReg {
				tw.Write([]byte(h.Name))
			}
		}
		tw.Close()
		data := b.Bytes()
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
	}
	img, err := mutate.AppendLayers(empty.Image, ls...)
	if err != nil {
		t.Fatal(err)
	}
	return writeLayout(t, img)
}

// The review's case: a symlink planted by one layer, then a whiteout and an
// opaque marker under it, deleted host files. Now the image is refused, the
// host directory is intact and no partial extraction is left in the cache.
func TestExtractLayoutRefusesWhiteoutsThroughSymlinks(t *testing.T) {
	host := t.TempDir()
	os.WriteFile(filepath.Join(host, "precious"), []byte("keep"), 0o644)
	for _, tc := range []struct {
		name   string
		layers [][]*tar.Header
	}{
		{"whiteout", [][]*tar.Header{{{Name: "link", Typeflag: tar.TypeSymlink, Linkname: host}}, {{Name: "link/.wh.precious", Typeflag: tar.TypeReg}}}},
		{"opaque", [][]*tar.Header{{{Name: "link", Typeflag: tar.TypeSymlink, Linkname: host}}, {{Name: "link/.wh..wh..opq", Typeflag: tar.TypeReg}}}},
		{"write", [][]*tar.Header{{{Name: "link", Typeflag: tar.TypeSymlink, Linkname: host}, {Name: "link/precious", Typeflag: tar.TypeReg}}}},
		{"hardlink", [][]*tar.Header{{{Name: "link", Typeflag: tar.TypeSymlink, Linkname: host}, {Name: "h", Typeflag: tar.TypeLink, Linkname: "link/precious"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, digest := hostileLayout(t, tc.layers...)
			cache := t.TempDir()
			_, err := extractLayout(context.Background(), dir, digest, cache)
			if err == nil || !strings.Contains(err.Error(), "escapes") {
				t.Fatalf("err = %v, want the layer refused", err)
			}
			if b, err := os.ReadFile(filepath.Join(host, "precious")); string(b) != "keep" {
				t.Fatalf("host file changed: %q %v", b, err)
			}
			if left, _ := os.ReadDir(cache); len(left) != 0 {
				t.Fatalf("left in the cache: %v", left)
			}
		})
	}
}

// An entrypoint linked to /dev/zero or out of the root is not read (an
// endless first line would exhaust memory): it is not found.
func TestEntrypointLinkedOutIsNotFollowed(t *testing.T) {
	for _, target := range []string{"/dev/zero", "../../../../../../etc/hostname"} {
		t.Run(filepath.Base(target), func(t *testing.T) {
			dir, digest := hostileLayout(t, []*tar.Header{{Name: "bin/serve", Typeflag: tar.TypeSymlink, Linkname: target}})
			img, err := extractLayout(context.Background(), dir, digest, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			img.entrypoint, img.env = []string{"serve"}, []string{"PATH=/bin"}
			if _, err := img.command("/usr/bin/python3"); err == nil || !strings.Contains(err.Error(), "is not in the image's pinwheel layers") {
				t.Fatalf("err = %v, want the entrypoint not found", err)
			}
		})
	}
}
