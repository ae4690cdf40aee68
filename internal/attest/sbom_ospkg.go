package attest

import (
	"sort"

	cdx "github.com/CycloneDX/cyclonedx-go"
	packageurl "github.com/package-url/packageurl-go"
)

// OSPackage is an operating-system package in the image's base, e.g. a
// Debian package from base.lock.
type OSPackage struct {
	Distro       string // purl namespace: "debian"
	Release      string // distro qualifier: "debian-12"; "" for none
	Name         string
	Version      string
	Architecture string
	Source       string // source package when it differs from Name ("glibc" for libc6)
	SHA256       string // of the package file (.deb)
}

// PURL is the package's purl:
// pkg:deb/debian/NAME@VERSION?arch=…&distro=…&upstream=… (the purl spec's
// deb qualifiers; syft writes the same for a dpkg status entry).
func (p OSPackage) PURL() string {
	q := map[string]string{"arch": p.Architecture}
	if p.Release != "" {
		q["distro"] = p.Release
	}
	if p.Source != "" && p.Source != p.Name {
		q["upstream"] = p.Source
	}
	return packageurl.NewPackageURL(packageurl.TypeDebian, p.Distro, p.Name, p.Version, packageurl.QualifiersFromMap(q), "").ToString()
}

// WithOSPackages lists the base image's OS packages in the SBOM beside the
// Python packages, as dependencies of the root component.
func WithOSPackages(pkgs []OSPackage) SBOMOption {
	return func(c *sbomConfig) { c.osPackages = append(c.osPackages, pkgs...) }
}

// addOSPackages appends the OS packages (sorted by purl) to bom's
// components and to the root's dependencies.
func addOSPackages(bom *cdx.BOM, rootRef string, pkgs []OSPackage) {
	if len(pkgs) == 0 {
		return
	}
	sorted := append([]OSPackage(nil), pkgs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].PURL() < sorted[j].PURL() })
	var comps []cdx.Component
	if bom.Components != nil {
		comps = *bom.Components
	}
	var refs []string
	for _, p := range sorted {
		purl := p.PURL()
		c := cdx.Component{BOMRef: purl, Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: purl}
		if p.SHA256 != "" {
			c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: p.SHA256}}
		}
		comps = append(comps, c)
		refs = append(refs, purl)
	}
	bom.Components = &comps
	if bom.Dependencies == nil {
		return
	}
	deps := *bom.Dependencies
	for i := range deps {
		if deps[i].Ref != rootRef {
			continue
		}
		var all []string
		if deps[i].Dependencies != nil {
			all = *deps[i].Dependencies
		}
		all = append(all, refs...)
		deps[i].Dependencies = &all
	}
	bom.Dependencies = &deps
}
