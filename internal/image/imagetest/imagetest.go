// Package imagetest builds tiny synthetic base images for tests: a few
// files, a linux config, fixed bytes on every machine (so a test can pin the
// base by digest); it also reads images back for tests (every path's tar
// header, or a root filesystem unpacked with tar(1)). It is imported by
// tests only and pulls nothing.
package imagetest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"pinwheel.dev/pinwheel/internal/image"
)

// Base returns a small deterministic base image for platform: /etc/passwd
// with a nonroot user 65532, /usr/local/bin, /tmp, and an env with PATH.
func Base(p v1.Platform) (v1.Image, error) {
	passwd := "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
	layer, err := image.NewLayer([]image.Entry{
		image.BytesEntry("etc/passwd", []byte(passwd), 0o644),
		image.BytesEntry("etc/os-release", []byte("ID=pinwheel-test-base\nPLATFORM="+p.String()+"\n"), 0o644),
		{Path: "usr/local/bin", Type: image.TypeDir},
		{Path: "tmp", Type: image.TypeDir},
	})
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{
		Created: v1.Time{Time: time.Unix(0, 0).UTC()}, CreatedBy: "imagetest base",
	}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	cf.Created = v1.Time{Time: time.Unix(0, 0).UTC()}
	cf.Config.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"}
	return mutate.ConfigFile(img, cf)
}

// WriteLayout writes a base image for each platform into an OCI layout at
// dir: a single image when one platform is given, else an index. It returns
// the digest to pin (oci:DIR@DIGEST).
func WriteLayout(dir string, platforms ...v1.Platform) (v1.Hash, error) {
	if len(platforms) == 0 {
		platforms = []v1.Platform{{OS: "linux", Architecture: "amd64"}}
	}
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return v1.Hash{}, err
	}
	var imgs []v1.Image
	for _, p := range platforms {
		img, err := Base(p)
		if err != nil {
			return v1.Hash{}, err
		}
		imgs = append(imgs, img)
	}
	if len(imgs) == 1 {
		if err := lp.AppendImage(imgs[0]); err != nil {
			return v1.Hash{}, err
		}
		return imgs[0].Digest()
	}
	idx, err := image.Index(imgs, platforms)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := lp.AppendIndex(idx); err != nil {
		return v1.Hash{}, fmt.Errorf("write index: %w", err)
	}
	return idx.Digest()
}

// debianBase is a project's `base:` mapping (base.debian) in pinwheel.yaml,
// in block or flow style: the base: line and the indented lines after it.
var debianBase = regexp.MustCompile(`(?m)^base:.*\n(?:[ \t]+.*\n)*`)

// UseSyntheticBase turns a copy of an example project (whose pinwheel.yaml
// names a Debian base) into one on the tiny synthetic base: the layout is
// written to DIR/base and `base:` becomes oci:base@DIGEST. For tests that
// need a build, not a Python that runs.
func UseSyntheticBase(dir string) error {
	d, err := WriteLayout(filepath.Join(dir, "base"))
	if err != nil {
		return err
	}
	p := filepath.Join(dir, "pinwheel.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	// The replacement keeps the lines the mapping held, so positions the
	// tests name in the rest of the file stay where they were.
	out := debianBase.ReplaceAllFunc(b, func(m []byte) []byte {
		return append([]byte("base: oci:base@"+d.String()+"\n"), bytes.Repeat([]byte("\n"), bytes.Count(m, []byte("\n"))-1)...)
	})
	if bytes.Equal(out, b) {
		return fmt.Errorf("%s has no base: mapping to replace", p)
	}
	return os.WriteFile(p, out, 0o644)
}
