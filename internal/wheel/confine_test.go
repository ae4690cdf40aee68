package wheel

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// rezip copies a wheel's entries, letting edit replace one by a raw entry.
func rezip(t *testing.T, whl []byte, edit func(zw *zip.Writer, f *zip.File) bool, extra func(zw *zip.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(whl), int64(len(whl)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		if edit != nil && edit(zw, f) {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if extra != nil {
		extra(zw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// deflated returns n zero bytes deflated, and their CRC.
func deflated(t *testing.T, n int) ([]byte, uint32) {
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestCompression)
	zeros := make([]byte, n)
	fw.Write(zeros)
	fw.Close()
	return b.Bytes(), crc32.ChecksumIEEE(zeros)
}

func rawEntry(t *testing.T, zw *zip.Writer, name string, data []byte, crc uint32, size uint64) {
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(data)), UncompressedSize64: size})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
}

func TestInstallRefusesZipBombs(t *testing.T) {
	mib, crc := deflated(t, 1<<20)
	bomb := func(zw *zip.Writer) { // 1024 × 1 MiB of zeros: 1 GiB from about 1 MB
		for i := range 1024 {
			rawEntry(t, zw, fmt.Sprintf("demo/zeros%04d", i), mib, crc, 1<<20)
		}
	}
	lie := func(zw *zip.Writer, f *zip.File) bool { // util.py declares its RECORD size, inflates to 1 MiB
		if f.Name != "demo/util.py" {
			return false
		}
		rawEntry(t, zw, f.Name, mib, f.CRC32, f.UncompressedSize64)
		return true
	}
	for _, tc := range []struct {
		name string
		whl  func() []byte
		opts []InstallOption
		want string
	}{
		{"ratio_1GiB_from_1MB", func() []byte { return rezip(t, basicWheel().Bytes(), nil, bomb) }, nil, "compression ratio limit"},
		{"total_size", func() []byte { return rezip(t, basicWheel().Bytes(), nil, bomb) },
			[]InstallOption{WithLimits(safefs.Limits{MaxBytes: 512 << 20, MaxRatio: 1 << 20})}, "uncompressed size limit"},
		{"entry_count", func() []byte { return basicWheel().Bytes() }, []InstallOption{WithLimits(safefs.Limits{MaxEntries: 3})}, "entries limit"},
		{"size_lie", func() []byte { return rezip(t, basicWheel().Bytes(), lie, nil) }, nil, "demo/util.py"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			whl := filepath.Join(root, basicWheel().Filename())
			if err := os.WriteFile(whl, tc.whl(), 0o644); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Install(context.Background(), whl, PosixScheme(filepath.Join(root, "stage"), "/usr/local", "3.11"), tc.opts...)
			runtime.ReadMemStats(&after)
			var ie *InvalidError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want an InvalidError with %q", err, tc.want)
			}
			if files := filesUnder(t, root); len(files) != 1 {
				t.Errorf("files left after a refused install: %v", files)
			}
			grew := after.TotalAlloc - before.TotalAlloc
			if grew > 64<<20 {
				t.Errorf("install allocated %d MiB refusing a bomb", grew>>20)
			}
			t.Logf("refused with %d KiB allocated: %v", grew>>10, err)
		})
	}
}

// A symlink already in the target (planted by an earlier layer or a
// hostile base) must not carry an install's writes out of it.
func TestInstallDoesNotWriteThroughPlantedSymlinks(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(root, "outside")
	os.Mkdir(outside, 0o755)
	s := PosixScheme(filepath.Join(root, "stage"), "/usr/local", "3.11")
	if err := os.MkdirAll(s.Purelib, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Symlink(outside, filepath.Join(s.Purelib, "demo"))
	_, err := Install(context.Background(), wheelPath(t, root), s)
	if err == nil || !strings.Contains(err.Error(), "escapes") {
		t.Fatalf("err = %v, want the write through the link refused", err)
	}
	if left, _ := os.ReadDir(outside); len(left) != 0 {
		t.Fatalf("written outside the target: %v", left)
	}
}

func wheelPath(t *testing.T, dir string) string {
	p := filepath.Join(dir, basicWheel().Filename())
	if err := os.WriteFile(p, basicWheel().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A script is read whole to rewrite its shebang, so it has its own cap:
// one that declares 65 MiB (ratio allowed) is refused before it is read.
func TestInstallRefusesHugeScript(t *testing.T) {
	const size = 65 << 20
	w := basicWheel()
	w.Data = map[string]string{"scripts/tool": "#!python\n"}
	w.EditRecord = func(r string) string {
		return regexp.MustCompile(`(demo-1.0.data/scripts/tool,sha256=[^,]*),\d+`).ReplaceAllString(r, fmt.Sprintf("${1},%d", size))
	}
	zeros, crc := deflated(t, size)
	whl := rezip(t, w.Bytes(), func(zw *zip.Writer, f *zip.File) bool {
		if f.Name != "demo-1.0.data/scripts/tool" {
			return false
		}
		rawEntry(t, zw, f.Name, zeros, crc, size)
		return true
	}, nil)
	root := t.TempDir()
	p := filepath.Join(root, w.Filename())
	os.WriteFile(p, whl, 0o644)
	_, err := Install(context.Background(), p, PosixScheme(filepath.Join(root, "stage"), "/usr/local", "3.11"),
		WithLimits(safefs.Limits{MaxRatio: 1 << 20}))
	if err == nil || !strings.Contains(err.Error(), "68157440-byte script") {
		t.Fatalf("err = %v, want the script refused", err)
	}
	if files := filesUnder(t, root); len(files) != 1 {
		t.Errorf("files left: %v", files)
	}
}
