package local

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	goruntime "runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"pinwheel.dev/pinwheel/internal/safefs"
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

// unpack applies the pinwheel layers, confined by safefs, to a temp dir,
// then renames it to root.
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
	x, err := safefs.OpenLayers(tmp, safefs.DefaultLimits)
	if err != nil {
		return err
	}
	defer x.Close()
	for i, l := range layers {
		if !ours[i] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := x.ApplyImageLayer(ctx, i, l); err != nil {
			return err
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
