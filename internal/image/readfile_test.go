package image

import (
	"errors"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

func TestReadFile(t *testing.T) {
	layer := func(es ...Entry) Layer {
		l, err := NewLayer(es)
		if err != nil {
			t.Fatal(err)
		}
		return Layer{Layer: l}
	}
	bottom := layer(BytesEntry("lib/libc.so.6", []byte("old"), 0o755), BytesEntry("usr/lib/libc.so.6", []byte("usr"), 0o755))
	top := layer(BytesEntry("lib/libc.so.6", []byte("new"), 0o755))
	gone := layer(BytesEntry("lib/.wh.libc.so.6", nil, 0o644))
	paths := []string{"/lib/libc.so.6", "/usr/lib/libc.so.6"}
	tests := []struct {
		name     string
		layers   []Layer
		wantPath string
		want     string
	}{
		{name: "upper_layer_wins", layers: []Layer{bottom, top}, wantPath: "/lib/libc.so.6", want: "new"},
		{name: "preferred_path_first", layers: []Layer{bottom}, wantPath: "/lib/libc.so.6", want: "old"},
		{name: "whiteout_hides_lower", layers: []Layer{bottom, gone}, wantPath: "/usr/lib/libc.so.6", want: "usr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img := empty.Image
			for _, l := range tc.layers {
				var err error
				if img, err = mutate.AppendLayers(img, l.Layer); err != nil {
					t.Fatal(err)
				}
			}
			p, b, err := ReadFile(img, paths, 1<<20)
			if err != nil || p != tc.wantPath || string(b) != tc.want {
				t.Errorf("ReadFile = %q, %q, %v; want %q, %q", p, b, err, tc.wantPath, tc.want)
			}
		})
	}
	img, _ := mutate.AppendLayers(empty.Image, layer(BytesEntry("etc/passwd", []byte("x"), 0o644)).Layer)
	if _, _, err := ReadFile(img, paths, 1<<20); !errors.Is(err, ErrFileNotFound) {
		t.Errorf("ReadFile of a missing file: err = %v, want ErrFileNotFound", err)
	}
}
