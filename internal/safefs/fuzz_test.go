package safefs

import (
	"archive/tar"
	"bytes"
	"context"
	"testing"
)

// The fuzz targets build layers from a few bytes per entry, picking names
// and link targets from pools made to collide: symlinks out of the root
// (relative, absolute, to the sentinel beside it), whiteouts and opaque
// markers under them, hardlinks through them, devices and FIFOs.
var (
	fuzzNames = []string{"a", "a/b", "l", "l/x", "l/d/y", "m", "m/keep", "d", "d/x", "h",
		"../sentinel/f", "a/../../sentinel/g", "/l/z", "./l/./d", "l/..", "dev/null"}
	fuzzTargets = []string{"..", "../..", "/", "../sentinel", "../sentinel/keep", "../sentinel/d",
		"a", "l", "l/d", "m/keep", ".", "l/x", "SENTINEL", "SENTINEL/keep"}
)

// fuzzLayers decodes data, three bytes an entry (kind, name, target), into
// layers; kind 9 starts a new layer.
func fuzzLayers(t testing.TB, data []byte, sentinel string) [][]byte {
	var layers [][]byte
	var cur []*tar.Header
	flush := func() { layers = append(layers, layerTar(t, cur...)); cur = nil }
	for i := 0; i+2 < len(data) && i < 3*64; i += 3 {
		name := fuzzNames[int(data[i+1])%len(fuzzNames)]
		target := fuzzTargets[int(data[i+2])%len(fuzzTargets)]
		if target == "SENTINEL" || target == "SENTINEL/keep" {
			target = sentinel + target[len("SENTINEL"):]
		}
		dirOf := func(n string) string {
			if j := bytes.LastIndexByte([]byte(n), '/'); j >= 0 {
				return n[:j+1]
			}
			return ""
		}
		switch data[i] % 10 {
		case 0:
			cur = append(cur, reg(name))
		case 1:
			cur = append(cur, dir(name))
		case 2:
			cur = append(cur, sym(name, target))
		case 3:
			cur = append(cur, hard(name, target))
		case 4:
			cur = append(cur, reg(dirOf(name)+".wh."+lastElem(target)))
		case 5:
			cur = append(cur, reg(dirOf(name)+".wh..wh..opq"))
		case 6:
			cur = append(cur, &tar.Header{Name: name, Typeflag: tar.TypeFifo, Mode: 0o644})
		case 7:
			cur = append(cur, &tar.Header{Name: name, Typeflag: tar.TypeChar, Mode: 0o644, Devmajor: 1, Devminor: 3})
		case 8:
			cur = append(cur, &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o6777})
		case 9:
			flush()
		}
	}
	flush()
	return layers
}

func lastElem(p string) string {
	if j := bytes.LastIndexByte([]byte(p), '/'); j >= 0 {
		return p[j+1:]
	}
	return p
}

func FuzzApplyLayers(f *testing.F) {
	f.Add([]byte{2, 2, 3, 0, 3, 0})           // l -> ../sentinel; l/x
	f.Add([]byte{2, 2, 12, 9, 0, 0, 4, 3, 4}) // l -> /abs/sentinel; new layer; whiteout l/.wh.keep
	f.Add([]byte{2, 2, 2, 9, 0, 0, 5, 3, 0})  // l -> /; opaque under l
	f.Add([]byte{3, 9, 4, 2, 5, 3, 3, 9, 15}) // hardlinks out and through links
	f.Add([]byte{6, 15, 0, 7, 15, 0, 8, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		j := newJail(t)
		x, err := OpenLayers(j.root, Limits{MaxBytes: 1 << 20, MaxEntries: 1000})
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		for _, l := range fuzzLayers(t, data, j.sentinel) {
			if err := x.Apply(context.Background(), bytes.NewReader(l)); err != nil {
				break
			}
		}
		j.intact(t)
	})
}

// FuzzApplyLayerRaw feeds arbitrary bytes as a tar: never a panic, never a
// write outside.
func FuzzApplyLayerRaw(f *testing.F) {
	f.Add(layerTar(f, reg("app/x.py")))
	f.Add(layerTar(f, sym("l", ".."), reg("l/x")))
	f.Add(layerTar(f, hard("h", "../../etc/passwd")))
	f.Fuzz(func(t *testing.T, b []byte) {
		j := newJail(t)
		ApplyLayer(context.Background(), j.root, bytes.NewReader(b), Limits{MaxBytes: 1 << 20, MaxEntries: 1000})
		j.intact(t)
	})
}
