package debian

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockDeterministic(t *testing.T) {
	idx := loadString(t, resolvePackages)
	for _, p := range idx.Packages {
		p.Filename, p.Size, p.SHA256 = "pool/"+p.Name+".deb", 1, strings.Repeat("0", 64)
	}
	req := Request{Packages: []string{"app", "bash"}, Exclude: []string{"debconf"}, Arch: "amd64"}
	res, err := Resolve(idx, req)
	if err != nil {
		t.Fatal(err)
	}
	la, err := NewLock("bookworm", req, idx, res)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := la.Marshal()
	// Request order and map iteration must not matter.
	req2 := Request{Packages: []string{"bash", "app"}, Exclude: []string{"debconf"}, Arch: "amd64"}
	res2, _ := Resolve(idx, req2)
	lb, _ := NewLock("bookworm", req2, idx, res2)
	b, _ := lb.Marshal()
	if !bytes.Equal(a, b) {
		t.Fatalf("lock differs with request order:\n%s\n---\n%s", a, b)
	}
	path := filepath.Join(t.TempDir(), "base.lock")
	if err := WriteLock(path, la); err != nil {
		t.Fatal(err)
	}
	l, err := ReadLock(path)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := l.Marshal()
	if !bytes.Equal(a, c) {
		t.Fatalf("lock does not survive a round trip:\n%s\n---\n%s", a, c)
	}
}

func TestReadLockErrors(t *testing.T) {
	good := "version = 1\nsuite = \"bookworm\"\narchitecture = \"amd64\"\n[[package]]\nname = \"a\"\nversion = \"1\"\narchitecture = \"all\"\nfilename = \"pool/a.deb\"\nsize = 3\nsha256 = \"" + strings.Repeat("a", 64) + "\"\nindex = \"x\"\n"
	tests := []struct{ name, in, want string }{
		{"syntax", "version = \n", "base.lock:1:"},
		{"unknown_key", good + "colour = \"red\"\n", "unknown key"},
		{"version", strings.Replace(good, "version = 1", "version = 2", 1), "version = 2"},
		{"bad_sha", strings.Replace(good, strings.Repeat("a", 64), "abc", 1), "sha256 must be"},
		{"dup", good + good[strings.Index(good, "[[package]]"):], "listed twice"},
		{"no_packages", good[:strings.Index(good, "[[package]]")], "at least one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "base.lock")
			os.WriteFile(path, []byte(tt.in), 0o644)
			_, err := ReadLock(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := ReadLock(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "pinwheel base lock") {
		t.Errorf("missing lock: %v", err)
	}
}

func TestNewLockNeedsFileFacts(t *testing.T) {
	idx := loadString(t, resolvePackages)
	req := Request{Packages: []string{"libc6"}, Arch: "amd64"}
	res, err := Resolve(idx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewLock("bookworm", req, idx, res); err == nil || !strings.Contains(err.Error(), "Packages:23: libc6 2.36-9: the index gives no Filename") {
		t.Fatalf("err = %v", err)
	}
}
