package debian

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

// data.tar comes as gz, xz or zst (Debian uses xz, Ubuntu zst); apt keeps
// lists as lz4; a Packages file may be plain.
func TestDecompress(t *testing.T) {
	want := bytes.Repeat([]byte("Package: a\nVersion: 1\n\n"), 100)
	compressors := map[string]func(io.Writer) (io.WriteCloser, error){
		"plain": func(w io.Writer) (io.WriteCloser, error) { return nopWriteCloser{w}, nil },
		"gzip":  func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriter(w), nil },
		"xz":    func(w io.Writer) (io.WriteCloser, error) { return xz.NewWriter(w) },
		"zstd":  func(w io.Writer) (io.WriteCloser, error) { return zstd.NewWriter(w) },
		"lz4":   func(w io.Writer) (io.WriteCloser, error) { return lz4.NewWriter(w), nil },
	}
	for name, newW := range compressors {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := newW(&buf)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(want)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			r, err := decompress(&buf)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			r.Close()
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("got %d bytes (%v), want %d", len(got), err, len(want))
			}
		})
	}
	if _, err := io.ReadAll(mustDecompress(t, []byte{0xfd, '7', 'z', 'X', 'Z', 0, 1, 2})); err == nil {
		t.Error("a corrupt xz stream read without error")
	}
}

func mustDecompress(t *testing.T, b []byte) io.Reader {
	r, err := decompress(bytes.NewReader(b))
	if err != nil {
		return errReader{err}
	}
	return r
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
