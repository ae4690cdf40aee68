package debian

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/image/imagetest"
)

// pythonLock resolves the closure of a working python3.11 against the
// machine's apt index.
func pythonLock(t *testing.T) *Lock {
	t.Helper()
	idx := realIndex(t)
	req := Request{Packages: []string{"python3.11-minimal", "libpython3.11-stdlib", "ca-certificates"}, Exclude: []string{"debconf"}, Arch: "amd64"}
	res, err := Resolve(idx, req)
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLock("bookworm", req, idx, res)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestAssembleRealPython(t *testing.T) {
	if testing.Short() {
		t.Skip("assembles a 40 MB base")
	}
	l := pythonLock(t)
	pool := aptPool(t, l)
	ctx := context.Background()
	a, err := Assemble(ctx, l, &Cache{Dir: t.TempDir(), Pools: []string{pool}}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// Another cache, another layer directory: the same digest.
	b, err := Assemble(ctx, l, &Cache{Dir: t.TempDir(), Pools: []string{pool}}, "")
	if err != nil {
		t.Fatal(err)
	}
	da, _ := a.Image.Digest()
	db, _ := b.Image.Digest()
	if da != db {
		t.Fatalf("same lock, different base digests: %s vs %s", da, db)
	}
	if a.Fetched != len(l.Packages) {
		t.Errorf("fetched %d of %d packages into an empty cache", a.Fetched, len(l.Packages))
	}

	root := t.TempDir()
	names, err := imagetest.Headers(a.Image)
	if err != nil {
		t.Fatal(err)
	}
	if err := imagetest.Unpack(a.Image, root); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"usr/bin/python3.11", "usr/bin/python3", "etc/passwd", "etc/os-release", "tmp",
		"var/lib/dpkg/status.d/libc6", "var/lib/dpkg/status.d/python3.11-minimal", "etc/ssl/certs/ca-certificates.crt", "bin"} {
		if names[want] == nil {
			t.Errorf("base has no /%s", want)
		}
	}
	if st, err := os.Lstat(filepath.Join(root, "tmp")); err != nil || st.Mode()&os.ModeSticky == 0 || st.Mode().Perm() != 0o777 {
		t.Errorf("/tmp mode = %v (%v), want 1777", st.Mode(), err)
	}
	status, _ := os.ReadFile(filepath.Join(root, "var/lib/dpkg/status.d/libc6"))
	if !strings.Contains(string(status), "Package: libc6\nStatus: install ok installed\n") {
		t.Errorf("status.d/libc6 =\n%s", status)
	}
	ca, _ := os.ReadFile(filepath.Join(root, "etc/ssl/certs/ca-certificates.crt"))
	if n := strings.Count(string(ca), "BEGIN CERTIFICATE"); n < 100 {
		t.Errorf("CA bundle holds %d certificates", n)
	}
	if os.Getuid() != 0 {
		requireDebian(t, "chroot needs root")
	}
	out, err := exec.Command("chroot", root, "/usr/bin/python3", "-c",
		"import http.server, ssl, json, sqlite3, zlib\n"+
			"cas = ssl.create_default_context().cert_store_stats()['x509_ca']\n"+
			"assert cas > 100, cas\n"+
			"print(ssl.OPENSSL_VERSION, cas, 'CAs')").CombinedOutput()
	if err != nil {
		t.Fatalf("python3 in the base: %v\n%s", err, out)
	}
	t.Logf("python3 in the base: %s", strings.TrimSpace(string(out)))
}
