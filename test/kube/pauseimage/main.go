// Command pauseimage packages the test node's pause binary (test/kube/pause)
// as an OCI archive: a tar of an OCI image layout holding one linux/amd64
// image whose only file is /pause, named (annotation io.containerd.image.name)
// as containerd's config pins its sandbox image, so that
// `ctr -n k8s.io images import` gives it that name. The same binary gives the
// same archive, byte for byte. No registry is involved.
//
//	go run ./test/kube/pauseimage -binary PAUSE -o pause.oci.tar
package main

import (
	"archive/tar"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"pinwheel.dev/pinwheel/internal/image"
)

// Name is the sandbox image's name; scripts/kube-node-up.sh pins it in
// containerd's config.
const Name = "pinwheel.test/pause:1"

func main() {
	bin := flag.String("binary", "", "the static pause binary")
	out := flag.String("o", "pause.oci.tar", "the OCI archive to write")
	flag.Parse()
	if err := run(*bin, *out); err != nil {
		fmt.Fprintln(os.Stderr, "pauseimage:", err)
		os.Exit(1)
	}
}

func run(bin, out string) error {
	data, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	img, err := pauseImage(data)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "pauseimage-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	if err := lp.AppendImage(img, layout.WithAnnotations(map[string]string{
		"io.containerd.image.name":          Name,
		"org.opencontainers.image.ref.name": "1",
	})); err != nil {
		return err
	}
	return tarDir(dir, out)
}

func pauseImage(bin []byte) (v1.Image, error) {
	epoch := time.Unix(0, 0).UTC()
	layer, err := image.NewLayer([]image.Entry{image.BytesEntry("pause", bin, 0o755)}, image.WithMTime(epoch))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{
		Created: v1.Time{Time: epoch}, CreatedBy: "pinwheel test/kube/pauseimage",
	}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	cf.Created = v1.Time{Time: epoch}
	cf.Config.Entrypoint = []string{"/pause"}
	cf.Config.User = "65535:65535"
	return mutate.ConfigFile(img, cf)
}

// tarDir writes dir's files into a tar at out, in name order, with fixed
// times and owners, through a temp file renamed at the end.
func tarDir(dir, out string) error {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(paths)
	tmp := out + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	tw := tar.NewWriter(f)
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h := &tar.Header{Name: filepath.ToSlash(rel), ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
		if fi.IsDir() {
			h.Typeflag, h.Name, h.Mode = tar.TypeDir, h.Name+"/", 0o755
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			continue
		}
		h.Typeflag, h.Mode, h.Size = tar.TypeReg, 0o644, fi.Size()
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		_, err = io.Copy(tw, src)
		src.Close()
		if err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}
