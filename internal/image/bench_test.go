package image

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkWriteLayer writes a 2,000-file layer (about 8 MB uncompressed).
func BenchmarkWriteLayer(b *testing.B) {
	data := make([]byte, 4096)
	for i := range data {
		data[i] = byte(i * 7)
	}
	var es []Entry
	for i := 0; i < 2000; i++ {
		es = append(es, BytesEntry(fmt.Sprintf("opt/venv/lib/pkg%03d/mod%02d.py", i/20, i%20), data, 0o644))
	}
	b.SetBytes(int64(len(es) * len(data)))
	for b.Loop() {
		if _, err := WriteLayer(io.Discard, es); err != nil {
			b.Fatal(err)
		}
	}
}
