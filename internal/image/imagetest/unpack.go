package imagetest

import (
	"archive/tar"
	"fmt"
	"io"
	"os/exec"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Headers returns the tar header of every path in img's layers, keyed by
// path without a trailing slash; a later layer's entry wins.
func Headers(img v1.Image) (map[string]*tar.Header, error) {
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	out := map[string]*tar.Header{}
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			return nil, err
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				rc.Close()
				return nil, err
			}
			out[strings.TrimSuffix(h.Name, "/")] = h
		}
		rc.Close()
	}
	return out, nil
}

// Unpack extracts img's layers, in order, into dir with tar(1), keeping
// modes (and owners, when run as root): a root filesystem to chroot into.
// Whiteouts are not applied (pinwheel's images have none).
func Unpack(img v1.Image, dir string) error {
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for i, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			return err
		}
		cmd := exec.Command("tar", "-x", "-p", "-f", "-", "-C", dir)
		cmd.Stdin = rc
		out, err := cmd.CombinedOutput()
		rc.Close()
		if err != nil {
			return fmt.Errorf("layer %d: tar -x: %v: %s", i, err, out)
		}
	}
	return nil
}
