package debian

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"testing"

	"pinwheel.dev/pinwheel/internal/debian/debiantest"
)

// tarEntry describes one member of a synthetic data.tar.
type tarEntry struct {
	name, link string
	typ        byte
	mode       int64
	body       string
}

func tarGz(t testing.TB, es []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range es {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Linkname: e.link, Size: int64(len(e.body)), Uid: 1000, Gid: 1000}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// makeDeb writes a .deb (ar: debian-binary, control.tar.gz, data.tar.gz).
func makeDeb(t testing.TB, control string, data []tarEntry) []byte {
	t.Helper()
	var ar bytes.Buffer
	ar.WriteString(arMagic)
	member := func(name string, body []byte) {
		fmt.Fprintf(&ar, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", name, 0, 0, 0, "100644", len(body))
		ar.Write(body)
		if len(body)%2 == 1 {
			ar.WriteByte('\n')
		}
	}
	member("debian-binary", []byte("2.0\n"))
	member("control.tar.gz", tarGz(t, []tarEntry{{name: "./control", typ: tar.TypeReg, mode: 0o644, body: control}}))
	member("data.tar.gz", tarGz(t, data))
	return ar.Bytes()
}

// aptPool returns a directory holding the lock's .debs (apt-get download).
func aptPool(t *testing.T, l *Lock) string {
	t.Helper()
	var pkgs []debiantest.Pkg
	for _, p := range l.Packages {
		pkgs = append(pkgs, debiantest.Pkg{Name: p.Name, Version: p.Version, Arch: p.Architecture})
	}
	return debiantest.Pool(t, pkgs)
}
