package attest

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCycloneDXListsOSPackages(t *testing.T) {
	pkgs := []OSPackage{
		{Distro: "debian", Release: "debian-12", Name: "libc6", Version: "2.36-9+deb12u10", Architecture: "amd64", Source: "glibc", SHA256: strings.Repeat("ab", 32)},
		{Distro: "debian", Release: "debian-12", Name: "tzdata", Version: "2024a-0+deb12u1", Architecture: "all"},
	}
	out, err := CycloneDX(nil, Subject{Name: "svc", Version: "1", ImageDigest: "sha256:" + strings.Repeat("0", 64)}, WithOSPackages(pkgs))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components []struct {
			Name, Version, Purl string
			Hashes              []struct{ Content string }
		}
		Dependencies []struct {
			Ref       string
			DependsOn []string
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	want := "pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-12&upstream=glibc"
	if len(doc.Components) != 2 || doc.Components[0].Purl != want || len(doc.Components[0].Hashes) != 1 {
		t.Fatalf("components = %+v, want %s first with its sha256", doc.Components, want)
	}
	if len(doc.Dependencies) == 0 || !strings.Contains(strings.Join(doc.Dependencies[0].DependsOn, " "), want) {
		t.Errorf("root dependencies = %+v, want the OS packages", doc.Dependencies)
	}
	again, _ := CycloneDX(nil, Subject{Name: "svc", Version: "1", ImageDigest: "sha256:" + strings.Repeat("0", 64)}, WithOSPackages([]OSPackage{pkgs[1], pkgs[0]}))
	if string(again) != string(out) {
		t.Error("SBOM depends on the order OS packages are given in")
	}
}
