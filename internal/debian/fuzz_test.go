package debian

import (
	"archive/tar"
	"bytes"
	"path"
	"strings"
	"testing"
)

func FuzzParseRelations(f *testing.F) {
	for _, s := range []string{"libc6 (>= 2.34), libssl3 | libssl1.1", "python3:any (>= 3.9~)", "a (<< 1:2-3) [amd64] <!nocheck>", "(", "a |"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		groups, err := ParseRelations(s)
		if err != nil {
			return
		}
		for _, g := range groups {
			// What was accepted renders back into something that parses the same.
			again, err := ParseRelations(g.String())
			if err != nil || len(again) != 1 || again[0].String() != g.String() {
				t.Fatalf("%q → %q → %v, %v", s, g, again, err)
			}
		}
	})
}

func FuzzParseRelease(f *testing.F) {
	f.Add("Codename: bookworm\nSHA256:\n " + strings.Repeat("a", 64) + " 10 main/binary-amd64/Packages\n")
	f.Add("SHA256:\n x y z\n")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRelease([]byte(s), "Release")
		if err != nil {
			return
		}
		for name, sum := range r.Files {
			if !isHex64(sum.SHA256) || name == "" {
				t.Fatalf("accepted %q → %+v", name, sum)
			}
		}
	})
}

// Whatever a .deb holds, reading it never panics, and what enters a base
// stays inside its root.
func FuzzReadDeb(f *testing.F) {
	f.Add(makeDeb(f, "Package: a\n", []tarEntry{{name: "./usr/bin/a", typ: tar.TypeReg, mode: 0o755, body: "x"},
		{name: "./bin/b", typ: tar.TypeLink, link: "./usr/bin/a"}, {name: "./lib/c", typ: tar.TypeSymlink, link: "../x"}}))
	f.Add([]byte(arMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := readDeb(bytes.NewReader(data))
		if err != nil {
			return
		}
		tr := tree{}
		if err := tr.add("fuzz", d.data); err != nil {
			return
		}
		for p := range tr {
			if p == "" || path.IsAbs(p) || p != path.Clean(p) || p == ".." || strings.HasPrefix(p, "../") {
				t.Fatalf("entry %q escapes the root", p)
			}
		}
	})
}
