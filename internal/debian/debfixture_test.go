package debian

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// tarEntry describes one member of a synthetic data.tar.
type tarEntry struct {
	name, link string
	typ        byte
	mode       int64
	body       string
}

func tarGz(t *testing.T, es []tarEntry) []byte {
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
func makeDeb(t *testing.T, control string, data []tarEntry) []byte {
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

// aptPool returns a directory holding the lock's .debs, downloaded with
// `apt-get download` (the ordinary apt client) into a per-user cache that
// names files by package version, so later runs download nothing.
func aptPool(t *testing.T, l *Lock) string {
	t.Helper()
	base, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "pinwheel", "apt-debs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, p := range l.Packages {
		if !fileExists(filepath.Join(dir, aptDownloadName(p))) {
			missing = append(missing, p.Name+"="+p.Version)
		}
	}
	if len(missing) == 0 {
		return dir
	}
	if os.Getuid() != 0 {
		requireDebian(t, "downloading .debs with apt-get needs root")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		requireDebian(t, "no apt-get")
	}
	cmd := exec.Command("apt-get", append([]string{"download", "-q"}, missing...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("apt-get download: %v\n%s", err, out)
	}
	return dir
}
