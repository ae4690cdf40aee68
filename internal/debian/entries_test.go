package debian

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/image/imagetest"
)

func TestTreeRefusesEscapes(t *testing.T) {
	tests := []struct {
		name    string
		entries []tarEntry
		want    string
	}{
		{"absolute", []tarEntry{{name: "/etc/passwd", typ: tar.TypeReg, mode: 0o644, body: "x"}}, "absolute path"},
		{"dotdot", []tarEntry{{name: "./usr/../../etc/shadow", typ: tar.TypeReg, mode: 0o644, body: "x"}}, "leaves the archive root"},
		{"hardlink_outside", []tarEntry{{name: "./usr/bin/a", typ: tar.TypeLink, link: "/etc/shadow"}}, "hard link"},
		{"hardlink_later", []tarEntry{{name: "./usr/bin/a", typ: tar.TypeLink, link: "./usr/bin/b"}, {name: "./usr/bin/b", typ: tar.TypeReg, body: "b"}}, "not a file earlier"},
		{"device", []tarEntry{{name: "./dev/null", typ: tar.TypeChar}}, "cannot put tar type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := readDeb(bytes.NewReader(makeDeb(t, "Package: evil\n", tt.entries)))
			if err != nil {
				t.Fatal(err)
			}
			err = tree{}.add("evil", d.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadDebRejectsNonDebs(t *testing.T) {
	good := makeDeb(t, "Package: a\n", nil)
	for name, data := range map[string][]byte{
		"empty":      nil,
		"not_ar":     []byte("PK\x03\x04 a zip"),
		"truncated":  good[:len(good)-20],
		"no_data":    good[:bytes.Index(good, []byte("data.tar.gz"))],
		"bad_header": append([]byte(arMagic), bytes.Repeat([]byte("x"), 60)...),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := readDeb(bytes.NewReader(data)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// A synthetic base: modes kept, owners dropped, /bin merged into /usr,
// hard links copied, the python3 link made, conflicts refused.
func TestAssembleSynthetic(t *testing.T) {
	py := makeDeb(t, "Package: python3.11-minimal\nVersion: 3.11.2-6\nArchitecture: amd64\nDescription: x\n long\n", []tarEntry{
		{name: "./", typ: tar.TypeDir, mode: 0o755},
		{name: "./bin/", typ: tar.TypeDir, mode: 0o755},
		{name: "./bin/sh-ish", typ: tar.TypeReg, mode: 0o4755, body: "#!"},
		{name: "./usr/bin/python3.11", typ: tar.TypeReg, mode: 0o755, body: "ELF"},
		{name: "./usr/bin/python3.9", typ: tar.TypeReg, mode: 0o755, body: "ELF"},
		{name: "./usr/bin/pydoc3.11", typ: tar.TypeLink, link: "./usr/bin/python3.11"},
		{name: "./lib/x86_64-linux-gnu/up", typ: tar.TypeSymlink, link: "../../usr/share/doc"},
	})
	pool := t.TempDir()
	p := lockedFor("python3.11-minimal", py)
	os.WriteFile(filepath.Join(pool, filepath.Base(p.Filename)), py, 0o644)
	l := &Lock{Version: LockVersion, Suite: "bookworm", Architecture: "amd64", Packages: []LockedPackage{p}}
	b, err := Assemble(context.Background(), l, &Cache{Dir: t.TempDir(), Pools: []string{pool}}, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := imagetest.Headers(b.Image)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, ok bool, what string) {
		if !ok {
			t.Errorf("/%s: want %s, got %+v", name, what, got[name])
		}
	}
	h := got["usr/bin/sh-ish"]
	check("usr/bin/sh-ish", h != nil && h.Mode == 0o4755 && h.Uid == 0 && h.ModTime.Unix() == 0, "setuid kept, root-owned, epoch mtime")
	h = got["usr/bin/pydoc3.11"]
	check("usr/bin/pydoc3.11", h != nil && h.Typeflag == tar.TypeReg && h.Size == 3, "a copy of its hard link target")
	h = got["usr/bin/python3"]
	check("usr/bin/python3", h != nil && h.Linkname == "python3.11", "a link to the newest python3.N")
	h = got["usr/lib/x86_64-linux-gnu/up"]
	check("usr/lib/x86_64-linux-gnu/up", h != nil && h.Linkname == "/usr/share/doc", "a climbing link kept pointing at its old target")
	h = got["bin"]
	check("bin", h != nil && h.Typeflag == tar.TypeSymlink && h.Linkname == "usr/bin", "the merged-/usr link")
	h = got["tmp"]
	check("tmp", h != nil && h.Mode == 0o1777, "mode 1777")
	h = got["home/nonroot"]
	check("home/nonroot", h != nil && h.Uid == 65532, "owned by nonroot")
	check("etc/os-release", got["etc/os-release"] != nil, "generated (no base-files locked)")
	check("var/lib/dpkg/status.d/python3.11-minimal", got["var/lib/dpkg/status.d/python3.11-minimal"] != nil, "a dpkg status entry")

	// Two packages shipping one path differently is refused.
	other := makeDeb(t, "Package: impostor\n", []tarEntry{{name: "./usr/bin/python3.11", typ: tar.TypeReg, mode: 0o755, body: "not python"}})
	q := lockedFor("impostor", other)
	os.WriteFile(filepath.Join(pool, filepath.Base(q.Filename)), other, 0o644)
	l.Packages = append(l.Packages, q)
	_, err = Assemble(context.Background(), l, &Cache{Dir: t.TempDir(), Pools: []string{pool}}, "")
	if err == nil || !strings.Contains(err.Error(), "python3.11-minimal and impostor both ship /usr/bin/python3.11") {
		t.Errorf("conflict: err = %v", err)
	}
}
