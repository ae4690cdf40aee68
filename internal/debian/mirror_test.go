package debian

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// fakeMirror serves the machine's real, signed bookworm InRelease and its
// main/binary-amd64/Packages (apt keeps it lz4-compressed; served
// uncompressed, as the Release lists it too) and .debs from pool, as an
// archive root at URL/debian. tamper changes one byte of Packages.
func fakeMirror(t *testing.T, pool string, tamper bool) *httptest.Server {
	t.Helper()
	rel := realInRelease(t)
	lists, _ := filepath.Glob(strings.TrimSuffix(rel, "InRelease") + "main_binary-amd64_Packages*")
	if len(lists) == 0 {
		requireDebian(t, "no bookworm main Packages in /var/lib/apt/lists")
	}
	packages, err := readDecompressed(lists[0])
	if err != nil {
		t.Fatal(err)
	}
	if tamper {
		packages = append([]byte{}, packages...)
		packages[len(packages)/2] ^= 1
	}
	inRelease, err := os.ReadFile(rel)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/debian/dists/bookworm/InRelease":
			w.Write(inRelease)
		case r.URL.Path == "/debian/dists/bookworm/main/binary-amd64/Packages":
			w.Write(packages)
		case strings.HasPrefix(r.URL.Path, "/debian/pool/") && pool != "":
			http.ServeFile(w, r, filepath.Join(pool, path.Base(r.URL.Path)))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestMirrorHashChain(t *testing.T) {
	ctx := context.Background()
	srv := fakeMirror(t, "", false)
	src := Source{Mirror: srv.URL + "/debian", Suite: "bookworm", Arch: "amd64"}
	l, err := LockBase(ctx, src, Request{Packages: []string{"libc6"}, Arch: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Packages) != 3 || l.Indexes[0].Name != srv.URL+"/debian/dists/bookworm/InRelease" {
		t.Fatalf("lock = %+v", l)
	}
	if l.Packages[1].Name != "libc6" || l.Packages[1].Index != srv.URL+"/debian/dists/bookworm/main/binary-amd64/Packages" {
		t.Errorf("libc6 = %+v", l.Packages[1])
	}

	// The .debs come from the mirror by the lock's filename, verified.
	// (The mirror's pool names have no epoch; these three have none, so
	// apt-get download's names are the same.)
	debs := fakeMirror(t, aptPool(t, l), false)
	c := &Cache{Dir: t.TempDir(), Mirror: debs.URL + "/debian"}
	if got := ArchiveRoot(l.Packages[0].Index); got != srv.URL+"/debian" {
		t.Errorf("ArchiveRoot(%s) = %s", l.Packages[0].Index, got)
	}
	for _, p := range l.Packages {
		if _, hit, err := c.Fetch(ctx, p); err != nil || hit {
			t.Errorf("fetch %s from the mirror: hit %v, %v", p.Name, hit, err)
		}
	}

	// A Packages file that is not the one the signed Release names.
	bad := fakeMirror(t, "", true)
	_, err = LockBase(ctx, Source{Mirror: bad.URL + "/debian", Suite: "bookworm", Arch: "amd64"}, Request{Packages: []string{"libc6"}, Arch: "amd64"})
	if err == nil || !strings.Contains(err.Error(), "but the signed InRelease says") || !inputerr.Is(err) {
		t.Errorf("tampered Packages: %v", err)
	}
	// A keyring that did not sign the Release.
	other := "/usr/share/keyrings/debian-archive-bullseye-stable.gpg"
	if fileExists(other) {
		_, err = LockBase(ctx, Source{Mirror: srv.URL + "/debian", Suite: "bookworm", Arch: "amd64", Keyring: other}, Request{Packages: []string{"libc6"}, Arch: "amd64"})
		if err == nil || !strings.Contains(err.Error(), "signature does not verify") {
			t.Errorf("wrong keyring: %v", err)
		}
	}
}
