package container

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// mountPoints are created in every rootfs before it is sealed, so runc
// never has to write into the cached tree to mount over them.
var mountPoints = []string{"proc", "dev", "sys", "tmp", "etc"}

// hostFiles are bind-mounted read-only from the host (the container shares
// its network); an image without them gets an empty file to mount over.
var hostFiles = []string{"etc/resolv.conf", "etc/hosts"}

func placeholder(p string) error {
	if _, err := os.Lstat(p); err == nil {
		return nil
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// Rootfs returns the directory holding img's layers applied in order,
// unpacking them into cache/sha256/<hex> on first use, keyed by the
// image's config digest (its image ID: the config names every layer's
// uncompressed digest, so it fixes the tree, and an OCI layout and a
// docker tarball of the same image share it): into a temporary
// directory beside it (through safefs, so no entry lands outside), renamed
// into place only when every layer applied. Afterwards the tree is only
// read (runc mounts it read-only). hit says whether it was already there.
func Rootfs(ctx context.Context, img v1.Image, cache string) (dir string, hit bool, err error) {
	if dir, err = rootfsPath(img, cache); err != nil {
		return "", false, err
	}
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir, true, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return "", false, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".unpack-*")
	if err != nil {
		return "", false, err
	}
	defer os.RemoveAll(tmp)
	if err := applyLayers(ctx, img, tmp); err != nil {
		return "", false, fmt.Errorf("unpack %s: %w", imageID(dir), err)
	}
	for _, m := range mountPoints {
		if err := os.MkdirAll(filepath.Join(tmp, m), 0o755); err != nil {
			return "", false, fmt.Errorf("unpack %s: mount point /%s: %w", imageID(dir), m, err)
		}
	}
	for _, f := range hostFiles {
		if err := placeholder(filepath.Join(tmp, f)); err != nil {
			return "", false, fmt.Errorf("unpack %s: /%s: %w", imageID(dir), f, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", false, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if errors.Is(err, fs.ErrExist) { // another run unpacked it first
			return dir, true, nil
		}
		return "", false, err
	}
	return dir, false, nil
}

// rootfsPath is where img's tree lives in cache: cache/sha256/<hex> of its
// config digest, absolute (the spec names it from the bundle).
func rootfsPath(img v1.Image, cache string) (string, error) {
	d, err := img.ConfigName()
	if err != nil {
		return "", err
	}
	if cache, err = filepath.Abs(cache); err != nil {
		return "", err
	}
	return filepath.Join(cache, d.Algorithm, d.Hex), nil
}

// imageID is the config digest a tree's path names.
func imageID(dir string) string {
	return filepath.Base(filepath.Dir(dir)) + ":" + filepath.Base(dir)
}

func applyLayers(ctx context.Context, img v1.Image, dir string) error {
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	x, err := safefs.OpenLayers(dir, safefs.DefaultLimits)
	if err != nil {
		return err
	}
	defer x.Close()
	for i, l := range layers {
		if err := x.ApplyImageLayer(ctx, i, l); err != nil {
			return err
		}
	}
	return nil
}
