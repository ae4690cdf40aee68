package local

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	goruntime "runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// extractedImage is an OCI image's pinwheel layers unpacked on disk.
type extractedImage struct {
	root          string
	entrypoint    []string
	cmd           []string
	env           []string
	workDir       string
	pythonVersion string   // from the dev.pinwheel.python-version label
	siteDirs      []string // site-packages of the image's venv, in root
}

func (img extractedImage) inRoot(p string) string {
	if p == "" {
		p = "/"
	}
	return filepath.Join(img.root, filepath.FromSlash(path.Clean("/"+p)))
}

// extractLayout unpacks the layers pinwheel added (history author
// "pinwheel"; every layer when the history says nothing) of the image
// digest in the OCI layout dir into cache/<digest>, once.
func extractLayout(ctx context.Context, dir, digest, cache string) (extractedImage, error) {
	img, err := imageFromLayout(dir, digest)
	if err != nil {
		return extractedImage{}, fmt.Errorf("OCI layout %s: %w", dir, err)
	}
	d, err := img.Digest()
	if err != nil {
		return extractedImage{}, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return extractedImage{}, fmt.Errorf("OCI layout %s: config: %w", dir, err)
	}
	out := extractedImage{
		root: filepath.Join(cache, d.Hex), entrypoint: cf.Config.Entrypoint, cmd: cf.Config.Cmd,
		env: cf.Config.Env, workDir: cf.Config.WorkingDir,
		pythonVersion: cf.Config.Labels["dev.pinwheel.python-version"],
	}
	if _, err := os.Stat(out.root); os.IsNotExist(err) {
		if err := unpack(ctx, img, cf, out.root); err != nil {
			return extractedImage{}, fmt.Errorf("OCI layout %s: %w", dir, err)
		}
	}
	venv := "/opt/pinwheel/venv"
	for _, kv := range out.env {
		if v, ok := strings.CutPrefix(kv, "VIRTUAL_ENV="); ok {
			venv = v
		}
	}
	libs, _ := filepath.Glob(filepath.Join(out.inRoot(venv), "lib", "python3.*", "site-packages"))
	out.siteDirs = libs
	if len(libs) == 1 && out.pythonVersion == "" {
		out.pythonVersion = strings.TrimPrefix(filepath.Base(filepath.Dir(libs[0])), "python")
	}
	return out, nil
}

func imageFromLayout(dir, digest string) (v1.Image, error) {
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, err
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return nil, err
	}
	for depth := 0; depth < 3; depth++ {
		im, err := idx.IndexManifest()
		if err != nil {
			return nil, err
		}
		var pick *v1.Descriptor
		for i, m := range im.Manifests {
			switch {
			case digest != "" && m.Digest.String() == digest:
				pick = &im.Manifests[i]
			case digest == "" && len(im.Manifests) == 1:
				pick = &im.Manifests[i]
			case digest == "" && m.Platform != nil && m.Platform.OS == "linux" && m.Platform.Architecture == goruntime.GOARCH:
				pick = &im.Manifests[i]
			}
			if pick != nil {
				break
			}
		}
		if pick == nil {
			if digest != "" {
				return nil, fmt.Errorf("no manifest %s", digest)
			}
			return nil, fmt.Errorf("%d manifests and none for linux/%s: pass the digest", len(im.Manifests), goruntime.GOARCH)
		}
		if pick.MediaType.IsImage() {
			return idx.Image(pick.Digest)
		}
		if idx, err = idx.ImageIndex(pick.Digest); err != nil {
			return nil, err
		}
		digest = ""
	}
	return nil, fmt.Errorf("image indexes nested too deep")
}

// unpack writes the pinwheel layers into a temp dir, then renames it to root.
func unpack(ctx context.Context, img v1.Image, cf *v1.ConfigFile, root string) error {
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	ours := pinwheelLayers(cf, len(layers))
	if err := os.MkdirAll(filepath.Dir(root), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(root), ".extract-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for i, l := range layers {
		if !ours[i] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rc, err := l.Uncompressed()
		if err != nil {
			return fmt.Errorf("layer %d: %w", i, err)
		}
		err = untar(tar.NewReader(rc), tmp, maxExtract)
		rc.Close()
		if err != nil {
			return fmt.Errorf("layer %d: %w", i, err)
		}
	}
	return os.Rename(tmp, root)
}

// pinwheelLayers marks the layers whose history entry has author "pinwheel".
func pinwheelLayers(cf *v1.ConfigFile, n int) []bool {
	ours := make([]bool, n)
	i, any := 0, false
	for _, h := range cf.History {
		if h.EmptyLayer {
			continue
		}
		if i < n && h.Author == "pinwheel" {
			ours[i], any = true, true
		}
		i++
	}
	if !any {
		for i := range ours {
			ours[i] = true
		}
	}
	return ours
}

// maxExtract bounds what one layer may write (sparse entries can claim
// terabytes in a few bytes of tar).
const maxExtract = 16 << 30

// untar applies one layer to root: files, dirs, links and whiteouts; names
// that would escape root are refused, and so is a layer whose files add up
// to more than limit bytes.
func untar(tr *tar.Reader, root string, limit int64) error {
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean("/" + h.Name)
		target := filepath.Join(root, filepath.FromSlash(name))
		dir, base := path.Split(name)
		if w, ok := strings.CutPrefix(base, ".wh."); ok {
			if w == ".wh..opq" {
				entries, _ := os.ReadDir(filepath.Join(root, dir))
				for _, e := range entries {
					os.RemoveAll(filepath.Join(root, dir, e.Name()))
				}
			} else {
				os.RemoveAll(filepath.Join(root, filepath.FromSlash(dir), w))
			}
			continue
		}
		if err := insideRoot(root, existingAncestor(filepath.Dir(target))); err != nil {
			return fmt.Errorf("%s: %w", h.Name, err)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			os.Remove(target)
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777|0o600)
			if err != nil {
				return err
			}
			if h.Size > limit {
				f.Close()
				return fmt.Errorf("%s: layer larger than %d bytes", h.Name, int64(maxExtract))
			}
			var n int64
			n, err = io.Copy(f, tr)
			limit -= n
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		case tar.TypeSymlink:
			os.Remove(target)
			if err := os.Symlink(h.Linkname, target); err != nil {
				return err
			}
		case tar.TypeLink:
			os.Remove(target)
			src := filepath.Join(root, filepath.FromSlash(path.Clean("/"+h.Linkname)))
			if err := os.Link(src, target); err != nil {
				return err
			}
		}
	}
}

// insideRoot refuses a directory that a symlink in the layer moved out of root.
func insideRoot(root, dir string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	if real != realRoot && !strings.HasPrefix(real, realRoot+string(filepath.Separator)) {
		return fmt.Errorf("path leads outside the image root through a symlink")
	}
	return nil
}

// existingAncestor returns dir or its nearest ancestor that exists.
func existingAncestor(dir string) string {
	for {
		if _, err := os.Lstat(dir); err == nil || dir == filepath.Dir(dir) {
			return dir
		}
		dir = filepath.Dir(dir)
	}
}
