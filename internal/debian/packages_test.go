package debian

import (
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

const samplePackages = `Package: libssl3
Source: openssl (3.0.15-1~deb12u1)
Version: 3.0.15-1~deb12u1
Architecture: amd64
Multi-Arch: same
Depends: libc6 (>= 2.34)
Provides: libssl (= 3.0)
Filename: pool/main/o/openssl/libssl3_3.0.15-1~deb12u1_amd64.deb
Size: 2030000
SHA256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
Description: Secure Sockets Layer toolkit
 This package is part of the OpenSSL project's implementation.
 .
 It provides the shared libraries.

Package: python3.11-minimal
Version: 3.11.2-6+deb12u6
Architecture: amd64
Pre-Depends: libc6 (>= 2.36)
Depends: libpython3.11-minimal (= 3.11.2-6+deb12u6), libexpat1 (>= 2.1~beta3),
 zlib1g (>= 1:1.2.0)
Recommends: python3.11
Filename: pool/main/p/python3.11/python3.11-minimal_3.11.2-6+deb12u6_amd64.deb
Size: 2064000
SHA256: abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789
`

func TestParsePackages(t *testing.T) {
	pkgs, err := ParsePackages(strings.NewReader(samplePackages), "Packages")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 2 {
		t.Fatalf("got %d packages, want 2", len(pkgs))
	}
	ssl, py := pkgs[0], pkgs[1]
	if ssl.Source != "openssl" || ssl.SourceVer != "3.0.15-1~deb12u1" || ssl.MultiArch != "same" {
		t.Errorf("libssl3 source/multi-arch = %q %q %q", ssl.Source, ssl.SourceVer, ssl.MultiArch)
	}
	if len(ssl.Provides) != 1 || ssl.Provides[0].String() != "libssl (= 3.0)" {
		t.Errorf("libssl3 provides = %v", ssl.Provides)
	}
	if got := py.Depends; len(got) != 3 || got[2][0].String() != "zlib1g (>= 1:1.2.0)" {
		t.Errorf("python3.11-minimal depends (continuation line) = %v", got)
	}
	if got := py.PreDepends; len(got) != 1 || got[0][0].Name != "libc6" || py.Line != 16 {
		t.Errorf("python3.11-minimal pre-depends = %v, line %d", got, py.Line)
	}
	if py.Size != 2064000 || py.Filename == "" || len(py.SHA256) != 64 {
		t.Errorf("python3.11-minimal file facts = %+v", py)
	}
}

func TestParseRelations(t *testing.T) {
	tests := []struct {
		name, in, want string
		bad            bool
	}{
		{"simple", "libc6", "libc6", false},
		{"versioned", "libc6 (>= 2.34)", "libc6 (>= 2.34)", false},
		{"no_space", "libc6(>=2.34)", "libc6 (>= 2.34)", false},
		{"alternatives", "debconf (>= 0.5) | debconf-2.0", "debconf (>= 0.5) | debconf-2.0", false},
		{"arch_any", "python3:any (>= 3.9~)", "python3:any (>= 3.9~)", false},
		{"obsolete_gt", "foo (> 1.0)", "foo (>= 1.0)", false},
		{"strict", "foo (<< 2)", "foo (<< 2)", false},
		{"arch_list_ignored", "foo (>= 1) [amd64]", "foo (>= 1)", false},
		{"profile_ignored", "foo <!nocheck>", "foo", false},
		{"several", "a, b | c (= 1), d", "a; b | c (= 1); d", false},
		{"bad_op", "foo (=> 1)", "", true},
		{"bad_version", "foo (>= )", "", true},
		{"bad_name", "Foo", "", true},
		{"unclosed", "foo (>= 1", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRelations(tt.in)
			if tt.bad {
				if err == nil {
					t.Fatalf("ParseRelations(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			parts := make([]string, len(got))
			for i, a := range got {
				parts[i] = a.String()
			}
			if s := strings.Join(parts, "; "); s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
		})
	}
}

func TestParsePackagesErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no_version", "Package: a\nArchitecture: all\n", "Packages:1: paragraph has no Version field"},
		{"bad_version", "Package: a\nArchitecture: all\nVersion: x1\n", "Packages:3: Version:"},
		{"orphan_continuation", " foo\n", "Packages:1:1: continuation line outside a field"},
		{"not_a_field", "Package: a\nnonsense\n", "Packages:2:1: expected \"Field: value\""},
		{"duplicate", "Package: a\npackage: b\n", "Packages:2:1: field package appears twice"},
		{"bad_depends", "Package: a\nVersion: 1\nArchitecture: all\n\nPackage: b\nVersion: 1\nArchitecture: all\nDepends: a (~ 1)\n", "Packages:8: Depends:"},
		{"bad_size", "Package: a\nVersion: 1\nArchitecture: all\nSize: -3\n", "Packages:4: Size:"},
		{"versioned_provides_op", "Package: a\nVersion: 1\nArchitecture: all\nProvides: b (>= 1)\n", "Packages:4: Provides:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePackages(strings.NewReader(tt.in), "Packages")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if !inputerr.Is(err) {
				t.Errorf("err %v is not an input error", err)
			}
		})
	}
}

func FuzzParsePackages(f *testing.F) {
	f.Add(samplePackages)
	f.Add("Package: a\nVersion: 1:2-3\nArchitecture: all\nDepends: b | c (>= 1~), d:any\n")
	f.Add(" \n\t\n#x\nA:\n b\n")
	f.Fuzz(func(t *testing.T, s string) {
		pkgs, err := ParsePackages(strings.NewReader(s), "fuzz")
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Architecture == "" {
				t.Fatalf("accepted a package without name or architecture: %+v", p)
			}
			if _, err := ParseVersion(p.Version.String()); err != nil {
				t.Fatalf("accepted version %q does not re-parse: %v", p.Version, err)
			}
		}
	})
}
