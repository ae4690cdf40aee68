package local

import (
	"archive/tar"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func tarOf(t testing.TB, entries ...*tar.Header) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range entries {
		if h.Typeflag == tar.TypeReg && h.Size == 0 {
			h.Size = int64(len(h.Name))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(h.Name))
		}
	}
	tw.Close()
	return b.Bytes()
}

func TestUntarStaysInRoot(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries []*tar.Header
		wantErr bool
	}{
		{"dotdot_is_cleaned", []*tar.Header{{Name: "../../evil", Typeflag: tar.TypeReg, Mode: 0o644}}, false},
		{"through_symlink", []*tar.Header{{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "/tmp"}, {Name: "link/evil", Typeflag: tar.TypeReg, Mode: 0o644}}, true},
		{"mkdir_through_symlink", []*tar.Header{{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "/tmp"}, {Name: "link/pinwheel-evil-dir/f", Typeflag: tar.TypeReg, Mode: 0o644}}, true},
		{"too_large", []*tar.Header{{Name: "big", Typeflag: tar.TypeReg, Mode: 0o644, Size: 2 << 20}}, true},
		{"whiteout", []*tar.Header{{Name: "a/f", Typeflag: tar.TypeReg, Mode: 0o644}, {Name: "a/.wh.f", Typeflag: tar.TypeReg}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			root := filepath.Join(parent, "root")
			os.Mkdir(root, 0o755)
			err := untar(tar.NewReader(bytes.NewReader(tarOf(t, tc.entries...))), root, 1<<20)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			assertNothingOutside(t, parent, root)
			if tc.name == "whiteout" {
				if _, err := os.Stat(filepath.Join(root, "a/f")); !os.IsNotExist(err) {
					t.Errorf("whiteout did not remove a/f")
				}
			}
		})
	}
}

func assertNothingOutside(t testing.TB, parent, root string) {
	filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		if p != parent && p != root && !strings.HasPrefix(p, root+string(filepath.Separator)) {
			t.Fatalf("untar wrote %s outside %s", p, root)
		}
		return nil
	})
	for _, p := range []string{"/tmp/evil", "/tmp/pinwheel-evil-dir"} {
		if _, err := os.Stat(p); err == nil {
			t.Fatalf("untar wrote %s", p)
		}
	}
}

func FuzzUntar(f *testing.F) {
	f.Add(tarOf(f, &tar.Header{Name: "app/x.py", Typeflag: tar.TypeReg, Mode: 0o644}))
	f.Add(tarOf(f, &tar.Header{Name: "l", Typeflag: tar.TypeSymlink, Linkname: ".."}, &tar.Header{Name: "l/x", Typeflag: tar.TypeReg, Mode: 0o644}))
	f.Add(tarOf(f, &tar.Header{Name: "h", Typeflag: tar.TypeLink, Linkname: "../../etc/passwd"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		parent := t.TempDir()
		root := filepath.Join(parent, "root")
		os.Mkdir(root, 0o755)
		untar(tar.NewReader(bytes.NewReader(b)), root, 1<<20)
		assertNothingOutside(t, parent, root)
	})
}
