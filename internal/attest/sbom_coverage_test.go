package attest

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"

	"pinwheel.dev/pinwheel/internal/lock"
)

// wantPURL is the purl a registry package must carry, written out by hand
// rather than with the library the code uses.
func wantPURL(p lock.Package) string {
	s := "pkg:pypi/" + p.Name
	if p.Version != "" {
		s += "@" + strings.ReplaceAll(p.Version, "+", "%2B")
	}
	return s
}

// lockDigests are every sha256/sha512 a package's artifacts carry.
func lockDigests(p lock.Package) []string {
	var out []string
	for _, a := range p.Artifacts {
		for alg, v := range a.Hashes {
			if alg == "sha256" || alg == "sha512" {
				out = append(out, alg+":"+v)
			}
		}
	}
	return out
}

// TestSBOMCoversEveryPackage reads the documents back with the official
// libraries' decoders and checks each lock package appears once with its
// purl and every hash of its artifacts, and that the project itself is the
// root rather than a component.
func TestSBOMCoversEveryPackage(t *testing.T) {
	cases := []struct {
		name string
		lock *lock.Lock
	}{{"kitchen_sink", kitchenSinkLock()}, {"requirements", requirementsLock()}}
	for _, dir := range lockfileDirs {
		cases = append(cases, struct {
			name string
			lock *lock.Lock
		}{"lockfile_" + dir, parsedLock(t, dir)})
	}
	for _, tc := range cases {
		t.Run(tc.name+"/cyclonedx", func(t *testing.T) {
			out, err := CycloneDX(tc.lock, Subject{})
			if err != nil {
				t.Fatal(err)
			}
			var bom cdx.BOM
			if err := cdx.NewBOMDecoder(bytes.NewReader(out), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
				t.Fatal(err)
			}
			byName := map[string][]cdx.Component{}
			for _, c := range *bom.Components {
				byName[c.Name] = append(byName[c.Name], c)
			}
			for _, p := range tc.lock.Packages {
				if isProjectItself(&p) {
					if len(byName[p.Name]) != 0 || bom.Metadata.Component.Name != p.Name {
						t.Errorf("project %s should be the root component, not a component", p.Name)
					}
					continue
				}
				c := findComponent(byName[p.Name], p.Version)
				if c == nil {
					t.Errorf("%s@%s missing", p.Name, p.Version)
					continue
				}
				if p.Source.Kind == lock.SourceRegistry && !strings.Contains(p.Source.URL, "mirror") && c.PackageURL != wantPURL(p) {
					t.Errorf("%s purl = %q, want %q", p.Name, c.PackageURL, wantPURL(p))
				}
				if !strings.HasPrefix(c.PackageURL, wantPURL(p)) {
					t.Errorf("%s purl = %q, want prefix %q", p.Name, c.PackageURL, wantPURL(p))
				}
				var got []string
				if c.Hashes != nil {
					for _, h := range *c.Hashes {
						got = append(got, strings.ToLower(strings.ReplaceAll(string(h.Algorithm), "-", ""))+":"+h.Value)
					}
				}
				for _, d := range lockDigests(p) {
					if !slices.Contains(got, d) {
						t.Errorf("%s@%s: hash %s missing (have %v)", p.Name, p.Version, d, got)
					}
				}
			}
		})
		t.Run(tc.name+"/spdx", func(t *testing.T) {
			out, err := SPDX(tc.lock, Subject{})
			if err != nil {
				t.Fatal(err)
			}
			doc, err := spdxjson.Read(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			purls := map[string][]string{} // purl -> checksums
			for _, p := range doc.Packages {
				for _, r := range p.PackageExternalReferences {
					if r.RefType == "purl" {
						for _, c := range p.PackageChecksums {
							purls[r.Locator] = append(purls[r.Locator], strings.ToLower(string(c.Algorithm))+":"+c.Value)
						}
						if _, ok := purls[r.Locator]; !ok {
							purls[r.Locator] = nil
						}
					}
				}
			}
			for _, p := range tc.lock.Packages {
				if isProjectItself(&p) {
					continue
				}
				var sums []string
				found := false
				for purl, s := range purls {
					if purl == wantPURL(p) || strings.HasPrefix(purl, wantPURL(p)+"?") {
						sums, found = s, true
					}
				}
				if !found {
					t.Errorf("%s@%s: no package with purl %s", p.Name, p.Version, wantPURL(p))
					continue
				}
				for _, d := range lockDigests(p) {
					if !slices.Contains(sums, d) {
						t.Errorf("%s@%s: checksum %s missing (have %v)", p.Name, p.Version, d, sums)
					}
				}
			}
		})
	}
}

func findComponent(cs []cdx.Component, version string) *cdx.Component {
	for i := range cs {
		if cs[i].Version == version {
			return &cs[i]
		}
	}
	return nil
}
