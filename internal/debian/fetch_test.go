package debian

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func lockedFor(name string, data []byte) LockedPackage {
	h := sha256.Sum256(data)
	return LockedPackage{Name: name, Version: "1.0-1", Architecture: "amd64",
		Filename: "pool/main/" + name[:1] + "/" + name + "/" + name + "_1.0-1_amd64.deb",
		Size:     int64(len(data)), SHA256: hex.EncodeToString(h[:])}
}

func TestFetchBadInput(t *testing.T) {
	good := makeDeb(t, "Package: hello\nVersion: 1.0-1\nArchitecture: amd64\n", []tarEntry{{name: "./usr/", typ: tar.TypeDir, mode: 0o755}})
	p := lockedFor("hello", good)
	tests := []struct {
		name    string
		served  []byte
		lock    func(LockedPackage) LockedPackage
		wantErr string
	}{
		{"ok", good, nil, ""},
		{"hash_mismatch", append(append([]byte{}, good[:len(good)-1]...), good[len(good)-1]^1), nil, "sha256"},
		{"truncated", good[:len(good)/2], nil, "truncated"},
		{"longer_than_locked", append(append([]byte{}, good...), 'x'), nil, "truncated or a different file"},
		{"missing", nil, nil, "404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.served == nil || r.URL.Path != "/debian/"+p.Filename {
					http.NotFound(w, r)
					return
				}
				w.Write(tt.served)
			}))
			defer srv.Close()
			c := &Cache{Dir: t.TempDir(), Mirror: srv.URL + "/debian"}
			got, hit, err := c.Fetch(context.Background(), p)
			if tt.wantErr == "" {
				if err != nil || hit {
					t.Fatalf("Fetch = %s, %v, %v", got, hit, err)
				}
				if _, hit, err := c.Fetch(context.Background(), p); err != nil || !hit {
					t.Errorf("second Fetch: hit %v, %v", hit, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			if tt.served != nil && !inputerr.Is(err) {
				t.Errorf("%v is not an input error (exit 2)", err)
			}
			left, _ := filepath.Glob(filepath.Join(c.Dir, "sha256", "*"))
			hidden, _ := filepath.Glob(filepath.Join(c.Dir, "sha256", ".*"))
			if len(left)+len(hidden) != 0 {
				t.Errorf("cache holds %v %v after a failed fetch", left, hidden)
			}
		})
	}
}

func TestFetchFromPool(t *testing.T) {
	data := makeDeb(t, "Package: zlib1g\nVersion: 1:1.0-1\nArchitecture: amd64\n", nil)
	p := lockedFor("zlib1g", data)
	p.Version = "1:1.0-1"
	pool := t.TempDir()
	// apt-get download's name for an epoch version.
	if err := os.WriteFile(filepath.Join(pool, "zlib1g_1%3a1.0-1_amd64.deb"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	c := &Cache{Dir: t.TempDir(), Pools: []string{pool}}
	path, hit, err := c.Fetch(context.Background(), p)
	if err != nil || hit || path != c.Path(p.SHA256) {
		t.Fatalf("Fetch = %s %v %v", path, hit, err)
	}
}

func TestArchiveRoot(t *testing.T) {
	for in, want := range map[string]string{
		"deb.debian.org/debian-security/dists/bookworm-security/main/binary-amd64/Packages": "http://deb.debian.org/debian-security",
		"https://mirror.example/debian/dists/bookworm/main/binary-amd64/Packages.xz":        "https://mirror.example/debian",
		"/srv/Packages": "",
		"":              "",
	} {
		if got := ArchiveRoot(in); got != want {
			t.Errorf("ArchiveRoot(%q) = %q, want %q", in, got, want)
		}
	}
}
