package safefs

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
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

// FuzzTree drives the writes an install makes (mkdir, create, temp file,
// chmod, chtimes, remove) at paths from a pool, in a tree where links out
// (to the sentinel, to "..", absolute) were planted first: nothing outside
// the install directories may change.
func FuzzTree(f *testing.F) {
	f.Add([]byte{0, 1, 1, 2, 4, 3})
	f.Add([]byte{1, 5, 1, 6, 3, 7, 2, 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		j := newJail(t)
		site := filepath.Join(j.root, "site")
		bin := filepath.Join(j.root, "bin")
		os.Mkdir(site, 0o755)
		os.Symlink(j.sentinel, filepath.Join(site, "abs"))
		os.Symlink("../../sentinel", filepath.Join(site, "rel"))
		os.Symlink("..", filepath.Join(site, "up"))
		os.Symlink("../sentinel/keep", filepath.Join(site, "file"))
		paths := []string{"pkg", "pkg/m.py", "abs", "abs/x", "abs/keep", "rel/keep", "rel/d", "up/sentinel/keep",
			"file", "up", "../sentinel/keep", "../bin/s", "pkg/../../sentinel"}
		tr := NewTree(site, bin)
		defer tr.Close()
		for i := 0; i+1 < len(data) && i < 64; i += 2 {
			p := filepath.Join(site, paths[int(data[i+1])%len(paths)])
			switch data[i] % 6 {
			case 0:
				tr.Mkdir(p, 0o755)
			case 1:
				if fh, err := tr.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644); err == nil {
					fh.WriteString("x")
					fh.Close()
				}
			case 2:
				if fh, name, err := tr.CreateTemp(p, ".t-"); err == nil {
					fh.Close()
					tr.Remove(name)
				}
			case 3:
				tr.Chmod(p, 0o777)
			case 4:
				tr.Chtimes(p, time.Unix(0, 0), time.Unix(0, 0))
			case 5:
				tr.Remove(p)
			}
		}
		j.intact(t)
		if st, err := os.Stat(filepath.Join(j.sentinel, "keep")); err != nil || st.Mode().Perm() != 0o644 {
			t.Fatalf("sentinel/keep mode changed: %v %v", st, err)
		}
	})
}
