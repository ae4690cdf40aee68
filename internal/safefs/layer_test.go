package safefs

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// layerTar builds a layer; regular files hold their own name.
func layerTar(t testing.TB, entries ...*tar.Header) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range entries {
		if h.Typeflag == tar.TypeReg && h.Size == 0 {
			h.Size = int64(len(h.Name))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
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

func reg(name string) *tar.Header { return &tar.Header{Name: name, Typeflag: tar.TypeReg} }
func dir(name string) *tar.Header { return &tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755} }
func sym(name, to string) *tar.Header {
	return &tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: to}
}
func hard(name, to string) *tar.Header {
	return &tar.Header{Name: name, Typeflag: tar.TypeLink, Linkname: to}
}

// jail is a root directory beside a sentinel directory holding one file:
// whatever a layer does, the sentinel must stay exactly as it was.
type jail struct{ parent, root, sentinel string }

func newJail(t testing.TB) jail {
	parent := t.TempDir()
	j := jail{parent, filepath.Join(parent, "root"), filepath.Join(parent, "sentinel")}
	for _, d := range []string{j.root, j.sentinel, filepath.Join(j.sentinel, "d")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(j.sentinel, "keep"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	return j
}

// intact fails unless the parent holds only root and the untouched sentinel.
func (j jail) intact(t testing.TB) {
	t.Helper()
	var got []string
	filepath.WalkDir(j.parent, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatalf("walk %s: %v", p, err)
		}
		if p == j.root {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(j.parent, p)
		got = append(got, rel+":"+d.Type().String())
		return nil
	})
	if want := []string{".:d---------", "sentinel:d---------", "sentinel/d:d---------", "sentinel/keep:----------"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("outside the root: got %v, want %v", got, want)
	}
	if b, _ := os.ReadFile(filepath.Join(j.sentinel, "keep")); string(b) != "keep" {
		t.Fatalf("sentinel/keep changed: %q", b)
	}
}

func TestApplyLayerStaysInRoot(t *testing.T) {
	abs := func(j jail) string { return j.sentinel }
	for _, tc := range []struct {
		name    string
		layers  func(j jail) [][]*tar.Header
		wantErr string // "" when the layers apply
		want    []string
		gone    []string
	}{
		{name: "dotdot_is_cleaned", layers: func(jail) [][]*tar.Header { return [][]*tar.Header{{reg("../../sentinel/keep")}} },
			want: []string{"sentinel/keep"}},
		{name: "file_through_absolute_symlink", layers: func(j jail) [][]*tar.Header {
			return [][]*tar.Header{{sym("l", abs(j)), reg("l/evil")}}
		}, wantErr: "escapes"},
		{name: "file_through_relative_symlink", layers: func(jail) [][]*tar.Header {
			return [][]*tar.Header{{sym("l", "../sentinel"), reg("l/evil")}}
		}, wantErr: "escapes"},
		{name: "mkdir_through_symlink", layers: func(jail) [][]*tar.Header {
			return [][]*tar.Header{{sym("l", "../sentinel"), reg("l/new/evil")}}
		}, wantErr: "escapes"},
		{name: "whiteout_through_symlink", layers: func(jail) [][]*tar.Header {
			return [][]*tar.Header{{sym("l", "../sentinel")}, {reg("l/.wh.keep")}}
		}, wantErr: "escapes"},
		{name: "opaque_through_symlink", layers: func(jail) [][]*tar.Header {
			return [][]*tar.Header{{sym("l", "../sentinel")}, {reg("l/.wh..wh..opq")}}
		}, wantErr: "escapes"},
		{name: "opaque_through_absolute_symlink", layers: func(j jail) [][]*tar.Header {
			return [][]*tar.Header{{sym("l", abs(j))}, {reg("l/.wh..wh..opq")}}
		}, wantErr: "escapes"},
		{name: "whiteout_of_symlink_removes_the_link", layers: func(jail) [][]*tar.Header {
			return [][]*tar.Header{{sym("l", "../sentinel")}, {reg(".wh.l")}}
		}, gone: []string{"l"}},
		{name: "whiteout_dotdot", layers: func(jail) [][]*tar.Header { return [][]*tar.Header{{dir("a"), reg("a/.wh...")}} },
			wantErr: "whiteout names no entry"},
		{name: "hardlink_out", layers: func(jail) [][]*tar.Header { return [][]*tar.Header{{hard("h", "../sentinel/keep")}} },
			wantErr: "hardlink target"},
		{name: "hardlink_through_symlink", layers: func(jail) [][]*tar.Header {
			return [][]*tar.Header{{sym("l", "../sentinel"), hard("h", "l/keep")}}
		}, wantErr: "escapes"},
		{name: "hardlink_inside", layers: func(jail) [][]*tar.Header { return [][]*tar.Header{{reg("a"), hard("b", "a")}} },
			want: []string{"a", "b"}},
		{name: "symlink_replaced_by_file_is_not_followed", layers: func(jail) [][]*tar.Header {
			return [][]*tar.Header{{sym("x", "../sentinel/keep")}, {reg("x")}}
		}, want: []string{"x"}},
		{name: "symlink_content_points_anywhere", layers: func(jail) [][]*tar.Header {
			return [][]*tar.Header{{sym("etc", "/etc"), sym("up", "../../..")}}
		}},
		{name: "devices_and_fifos_skipped", layers: func(jail) [][]*tar.Header {
			return [][]*tar.Header{{{Name: "dev/null", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3}, {Name: "p", Typeflag: tar.TypeFifo}}}
		}, gone: []string{"dev/null", "p"}},
		{name: "whiteout_and_opaque_inside", layers: func(jail) [][]*tar.Header {
			return [][]*tar.Header{{reg("a/f"), reg("d/x"), reg("d/y")}, {reg("a/.wh.f"), reg("d/.wh..wh..opq"), reg("d/z")}}
		}, want: []string{"d/z"}, gone: []string{"a/f", "d/x", "d/y"}},
		{name: "file_replaces_dir", layers: func(jail) [][]*tar.Header { return [][]*tar.Header{{reg("d/x")}, {reg("d")}} },
			want: []string{"d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := newJail(t)
			x, err := OpenLayers(j.root, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			for _, l := range tc.layers(j) {
				if err = x.Apply(context.Background(), bytes.NewReader(layerTar(t, l...))); err != nil {
					break
				}
			}
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			j.intact(t)
			for _, p := range tc.want {
				if _, err := os.Lstat(filepath.Join(j.root, p)); err != nil {
					t.Errorf("want %s in the root: %v", p, err)
				}
			}
			for _, p := range tc.gone {
				if _, err := os.Lstat(filepath.Join(j.root, p)); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("want no %s in the root, got %v", p, err)
				}
			}
		})
	}
}

func TestApplyLayerModesAndLimits(t *testing.T) {
	j := newJail(t)
	setuid := &tar.Header{Name: "bin/su", Typeflag: tar.TypeReg, Mode: 0o4755}
	err := ApplyLayer(context.Background(), j.root, bytes.NewReader(layerTar(t, setuid)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(j.root, "bin/su"))
	if err != nil || st.Mode() != 0o755 {
		t.Fatalf("mode = %v, %v; want -rwxr-xr-x (setuid dropped)", st.Mode(), err)
	}

	for _, tc := range []struct {
		name    string
		entries []*tar.Header
		lim     Limits
		want    string
	}{
		{"too_many_bytes", []*tar.Header{reg("a"), reg("b")}, Limits{MaxBytes: 1}, "uncompressed size limit"},
		{"sparse_claim", []*tar.Header{{Name: "big", Typeflag: tar.TypeReg, Size: 1 << 40}}, Limits{MaxBytes: 1 << 20}, "uncompressed size limit"},
		{"skipped_type_with_data", []*tar.Header{{Name: "odd", Typeflag: 'Z', Size: 1 << 40}}, Limits{MaxBytes: 1 << 20}, "uncompressed size limit"},
		{"too_many_entries", []*tar.Header{dir("a"), dir("b"), dir("c")}, Limits{MaxEntries: 2}, "entries limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := newJail(t)
			var b []byte
			if tc.entries[0].Size > 1<<30 {
				var buf bytes.Buffer
				tw := tar.NewWriter(&buf)
				tw.WriteHeader(tc.entries[0])
				b = buf.Bytes() // truncated: the header alone must be refused
			} else {
				b = layerTar(t, tc.entries...)
			}
			err := ApplyLayer(context.Background(), j.root, bytes.NewReader(b), tc.lim)
			var le *LimitError
			if !errors.As(err, &le) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a LimitError %q", err, tc.want)
			}
		})
	}
}

func TestApplyLayerHonoursCancellation(t *testing.T) {
	j := newJail(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := ApplyLayer(ctx, j.root, bytes.NewReader(layerTar(t, reg("a"))), Limits{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
