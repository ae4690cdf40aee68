package imagepkgs

import (
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func FuzzParseMetadata(f *testing.F) {
	f.Add([]byte("Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\n\nbody"))
	f.Add([]byte("Name:\nVersion: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if p, ok := parseMetadata(data); ok && (p.Name == "" || p.Version == "") {
			t.Fatalf("accepted %+v", p)
		}
	})
}

func FuzzFromSBOM(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"x","purl":"pkg:deb/debian/libssl3@3.0.15-1~deb12u1?distro=debian-12&upstream=openssl"},{"type":"library","name":"flask","purl":"pkg:pypi/flask@3.0.3"}]}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := FromSBOM("f.json", data)
		if err != nil && !inputerr.Is(err) {
			t.Fatalf("not an input error: %v", err)
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" {
				t.Fatalf("package without name or version: %+v", p)
			}
		}
	})
}
