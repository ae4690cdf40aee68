package container

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"pinwheel.dev/pinwheel/internal/image/imagetest"
)

func TestOpenImageForms(t *testing.T) {
	dir := t.TempDir()
	single := filepath.Join(dir, "single")
	d, err := imagetest.WriteLayout(single)
	if err != nil {
		t.Fatal(err)
	}
	multi := filepath.Join(dir, "multi")
	if _, err := imagetest.WriteLayout(multi, v1.Platform{OS: "linux", Architecture: "amd64"}, v1.Platform{OS: "linux", Architecture: "arm64"}); err != nil {
		t.Fatal(err)
	}
	img, _ := imagetest.Base(v1.Platform{OS: "linux", Architecture: "amd64"})
	tarPath := filepath.Join(dir, "img.tar")
	if err := tarball.WriteToFile(tarPath, name.MustParseReference("test:1"), img); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"oci:" + single, "oci:" + single + "@" + d.String(), "oci:" + multi, "tar:" + tarPath} {
		img, err := OpenImage(ref)
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			continue
		}
		if cf, err := img.ConfigFile(); err != nil || cf.OS != "linux" {
			t.Errorf("%s: config %v, %v", ref, cf, err)
		}
	}
}

func TestOpenImageBadInput(t *testing.T) {
	dir := t.TempDir()
	notTar := filepath.Join(dir, "not.tar")
	os.WriteFile(notTar, []byte("hello"), 0o644)
	cases := []struct{ name, ref, want string }{
		{"no_scheme", dir, "want oci:DIR or tar:FILE"},
		{"registry_ref", "docker://python:3.11", "want oci:DIR or tar:FILE"},
		{"empty_path", "oci:", "want oci:DIR or tar:FILE"},
		{"missing_layout", "oci:" + filepath.Join(dir, "nope"), "no such file"},
		{"missing_tar", "tar:" + filepath.Join(dir, "nope.tar"), "no such file"},
		{"not_a_tarball", "tar:" + notTar, "not a docker/podman tarball"},
		{"empty_dir_layout", "oci:" + dir, "index.json"},
		{"huge_ref", "x" + strings.Repeat("y", 10000), "(10001 bytes)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := OpenImage(c.ref)
			if err == nil || !IsInput(err) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("OpenImage(%q) = %v, want an input error containing %q", c.ref, err, c.want)
			}
		})
	}
}

func TestRootfsUnpacksOncePerDigest(t *testing.T) {
	img, err := imagetest.Base(v1.Platform{OS: "linux", Architecture: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	t.Chdir(cache)
	dir, hit, err := Rootfs(context.Background(), img, ".") // a relative cache still gives an absolute rootfs
	if !filepath.IsAbs(dir) {
		t.Errorf("rootfs %s is relative: runc would look for it beside the bundle", dir)
	}
	if err != nil || hit {
		t.Fatalf("first unpack: %v (hit %v)", err, hit)
	}
	d, _ := img.ConfigName()
	if dir != filepath.Join(cache, "sha256", d.Hex) {
		t.Errorf("rootfs at %s, want it keyed by the config digest", dir)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "etc", "passwd")); err != nil || !strings.Contains(string(b), "nonroot:x:65532") {
		t.Errorf("etc/passwd: %q, %v", b, err)
	}
	for _, p := range []string{"proc", "dev", "sys", "tmp", "etc/resolv.conf", "etc/hosts"} {
		if _, err := os.Lstat(filepath.Join(dir, p)); err != nil {
			t.Errorf("mount point /%s: %v", p, err)
		}
	}
	os.WriteFile(filepath.Join(dir, "marker"), nil, 0o644)
	again, hit, err := Rootfs(context.Background(), img, cache)
	if err != nil || !hit || again != dir {
		t.Fatalf("second unpack: %s %v (hit %v)", again, err, hit)
	}
	if _, err := os.Stat(filepath.Join(dir, "marker")); err != nil {
		t.Error("the second call unpacked again instead of using the cache")
	}
	if m, _ := filepath.Glob(filepath.Join(cache, "sha256", ".unpack-*")); len(m) != 0 {
		t.Errorf("temp dirs left: %v", m)
	}
	// The same image as a docker tarball (another manifest digest) shares it.
	tarPath := filepath.Join(t.TempDir(), "img.tar")
	if err := tarball.WriteToFile(tarPath, name.MustParseReference("test:1"), img); err != nil {
		t.Fatal(err)
	}
	fromTar, err := OpenImage("tar:" + tarPath)
	if err != nil {
		t.Fatal(err)
	}
	md, _ := img.Digest()
	if td, _ := fromTar.Digest(); td == md {
		t.Fatal("the tarball form has the layout form's manifest digest; this test no longer shows anything")
	}
	if again, hit, err := Rootfs(context.Background(), fromTar, cache); err != nil || !hit || again != dir {
		t.Errorf("tarball form: %s %v (hit %v), want the cached %s", again, err, hit, dir)
	}
}

func TestRootfsBadLayerLeavesNothing(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "ok", Typeflag: tar.TypeReg, Mode: 0o644})
	tw.WriteHeader(&tar.Header{Name: "link", Typeflag: tar.TypeLink, Linkname: "../../etc/shadow"})
	tw.Close()
	layer := static.NewLayer(buf.Bytes(), types.OCIUncompressedLayer)
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	if _, _, err := Rootfs(context.Background(), img, cache); err == nil || !strings.Contains(err.Error(), "hardlink target") {
		t.Fatalf("Rootfs = %v, want the hardlink refused", err)
	}
	if m, _ := filepath.Glob(filepath.Join(cache, "sha256", "*")); len(m) != 0 {
		t.Errorf("a failed unpack left %v", m)
	}
}
