package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// ErrFileNotFound says none of the paths asked for is a regular file in
// the image.
var ErrFileNotFound = errors.New("file not in image")

// ReadFile returns the first of paths (absolute, in order of preference)
// that is a regular file in img's filesystem, with its content (at most
// limit bytes). Layers are read from the top down; a whiteout in an upper
// layer hides the path in the layers below. Symlinks are not followed: list
// each place the file may really live.
func ReadFile(img v1.Image, paths []string, limit int64) (string, []byte, error) {
	layers, err := img.Layers()
	if err != nil {
		return "", nil, err
	}
	want := map[string]int{}
	for i, p := range paths {
		want[strings.TrimPrefix(path.Clean("/"+p), "/")] = i
	}
	hidden := map[string]bool{}
	for i := len(layers) - 1; i >= 0; i-- {
		found, data, whiteouts, err := scanLayer(layers[i], want, hidden, limit)
		if err != nil {
			return "", nil, fmt.Errorf("layer %d: %w", i, err)
		}
		if found >= 0 {
			return paths[found], data, nil
		}
		for w := range whiteouts {
			hidden[w] = true
		}
	}
	return "", nil, ErrFileNotFound
}

// scanLayer finds the most preferred wanted regular file in one layer, and
// the wanted paths the layer deletes (whiteouts).
func scanLayer(l v1.Layer, want map[string]int, hidden map[string]bool, limit int64) (int, []byte, map[string]bool, error) {
	rc, err := l.Uncompressed()
	if err != nil {
		return -1, nil, nil, err
	}
	defer rc.Close()
	best, data := -1, []byte(nil)
	whiteouts := map[string]bool{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return best, data, whiteouts, nil
		}
		if err != nil {
			return -1, nil, nil, err
		}
		name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		dir, base := path.Split(name)
		if strings.HasPrefix(base, ".wh.") {
			whiteouts[path.Join(dir, strings.TrimPrefix(base, ".wh."))] = true
			continue
		}
		i, ok := want[name]
		if !ok || hidden[name] || h.Typeflag != tar.TypeReg || (best >= 0 && i >= best) {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, limit))
		if err != nil {
			return -1, nil, nil, err
		}
		best, data = i, b
	}
}
