package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestWriteLayerIsReproducible(t *testing.T) {
	a := []Entry{
		BytesEntry("app/b.py", []byte("b"), 0o600),
		BytesEntry("app/a.py", []byte("a"), 0o700),
		{Path: "app/link", Type: TypeSymlink, Link: "a.py"},
	}
	b := []Entry{a[2], a[0], a[1]} // same entries, other order
	var x, y bytes.Buffer
	ix, err := WriteLayer(&x, a, WithMTime(time.Unix(1700000000, 0)))
	if err != nil {
		t.Fatal(err)
	}
	iy, err := WriteLayer(&y, b, WithMTime(time.Unix(1700000000, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if ix != iy || !bytes.Equal(x.Bytes(), y.Bytes()) {
		t.Fatalf("entry order changed the layer: %v vs %v", ix.Digest, iy.Digest)
	}
	if ix.Size != int64(x.Len()) {
		t.Errorf("size %d, wrote %d", ix.Size, x.Len())
	}
	// gzip header: no name, mtime 0.
	zr, err := gzip.NewReader(bytes.NewReader(x.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header carries name %q mtime %v", zr.Name, zr.ModTime)
	}
	var names []string
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.ModTime.Unix() != 1700000000 || len(h.PAXRecords) != 0 {
			t.Errorf("%s: uid %d gid %d uname %q mtime %v pax %v", h.Name, h.Uid, h.Gid, h.Uname, h.ModTime, h.PAXRecords)
		}
		want := map[string]int64{"app/": 0o755, "app/a.py": 0o755, "app/b.py": 0o644, "app/link": 0o777}[h.Name]
		if h.Mode != want {
			t.Errorf("%s: mode %o, want %o", h.Name, h.Mode, want)
		}
	}
	if !reflect.DeepEqual(names, []string{"app/", "app/a.py", "app/b.py", "app/link"}) {
		t.Errorf("entries %v: want sorted with the parent dir first", names)
	}
}

func TestWriteLayerMTimeChangesDigest(t *testing.T) {
	e := []Entry{BytesEntry("a", []byte("a"), 0o644)}
	var x, y bytes.Buffer
	ix, _ := WriteLayer(&x, e, WithMTime(time.Unix(1, 0)))
	iy, _ := WriteLayer(&y, e, WithMTime(time.Unix(2, 0)))
	if ix.Digest == iy.Digest {
		t.Fatal("mtime is not written into the layer")
	}
}

func TestWriteLayerRejects(t *testing.T) {
	tests := []struct {
		name    string
		entries []Entry
		want    string
	}{
		{"escape", []Entry{BytesEntry("../etc/passwd", nil, 0o644)}, "not inside the image root"},
		{"duplicate", []Entry{BytesEntry("a", nil, 0o644), BytesEntry("/a", nil, 0o644)}, "appears twice"},
		{"file_parent", []Entry{BytesEntry("a", nil, 0o644), BytesEntry("a/b", nil, 0o644)}, "not a directory"},
		{"root", []Entry{{Path: "/", Type: TypeDir}}, "not inside the image root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := WriteLayer(io.Discard, tt.entries)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// Two checkouts of the same tree, with different mtimes and umasks, make the same layer.
func TestDirEntriesIgnoresMachineDifferences(t *testing.T) {
	var digests []string
	for i, perm := range []os.FileMode{0o644, 0o664} {
		dir := t.TempDir()
		for _, f := range []string{"pkg/__init__.py", "pkg/mod.py", "bin/tool"} {
			p := filepath.Join(dir, f)
			os.MkdirAll(filepath.Dir(p), 0o775)
			os.WriteFile(p, []byte(f), perm)
			os.Chtimes(p, time.Unix(int64(1000*i), 0), time.Unix(int64(5000*i+7), 0))
		}
		os.Chmod(filepath.Join(dir, "bin/tool"), 0o755|perm)
		os.Symlink("tool", filepath.Join(dir, "bin/alias"))
		es, err := DirEntries(dir, "/opt/deps")
		if err != nil {
			t.Fatal(err)
		}
		l, err := NewLayer(es)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := l.Digest()
		digests = append(digests, d.String())
		files, err := LayerFiles(l)
		if err != nil {
			t.Fatal(err)
		}
		if files["opt/deps/bin/tool"].Mode != 0o755 || files["opt/deps/bin/alias"].Linkname != "tool" || files["opt/"].Type != tar.TypeDir {
			t.Errorf("unexpected facts: %+v", files)
		}
	}
	if digests[0] != digests[1] {
		t.Errorf("same tree, different layers: %v", digests)
	}
}

func TestLayerCache(t *testing.T) {
	c := LayerCache{Dir: t.TempDir()}
	calls := 0
	entries := func() ([]Entry, error) {
		calls++
		return []Entry{BytesEntry("x", []byte("hello"), 0o644)}, nil
	}
	l1, hit, err := c.Layer("k", entries)
	if err != nil || hit {
		t.Fatalf("first: hit %v err %v", hit, err)
	}
	l2, hit, err := c.Layer("k", entries)
	if err != nil || !hit || calls != 1 {
		t.Fatalf("second: hit %v err %v calls %d", hit, err, calls)
	}
	d1, _ := l1.Digest()
	d2, _ := l2.Digest()
	if d1 != d2 {
		t.Errorf("cached digest differs")
	}
	files, err := LayerFiles(l2)
	if err != nil || files["x"].Size != 5 {
		t.Errorf("cached layer unreadable: %v %v", files, err)
	}
	// A truncated blob is a miss, not a corrupt layer.
	blob, _ := c.paths("k")
	os.Truncate(blob, 3)
	if _, hit, _ := c.Layer("k", entries); hit {
		t.Error("truncated cache entry was used")
	}
	if k1, k2 := CacheKey("a", "bc"), CacheKey("ab", "c"); k1 == k2 {
		t.Error("CacheKey is ambiguous")
	}
}
