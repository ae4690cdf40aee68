package safefs

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
)

// zipOf builds a zip of entries named by size, each full of zeros.
func zipOf(t *testing.T, sizes ...int) *zip.Reader {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zeros := make([]byte, 1<<20)
	for i, n := range sizes {
		w, err := zw.Create(strings.Repeat("f", i+1))
		if err != nil {
			t.Fatal(err)
		}
		for n > 0 {
			k := min(n, len(zeros))
			w.Write(zeros[:k])
			n -= k
		}
	}
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

func TestCheckZip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes []int
		lim   Limits
		want  string
	}{
		{"small_and_repetitive_is_fine", []int{1 << 20}, Limits{}, ""},
		{"bomb_by_ratio", []int{100 << 20}, Limits{}, "compression ratio"},
		{"many_small_bombs", []int{1 << 20, 1 << 20, 1 << 20}, Limits{MaxBytes: 2 << 20}, "uncompressed size"},
		{"too_many_entries", []int{1, 1, 1}, Limits{MaxEntries: 2}, "entries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckZip(zipOf(t, tc.sizes...).File, tc.lim)
			var le *LimitError
			if tc.want == "" && err != nil || tc.want != "" && (!errors.As(err, &le) || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
