package imagepkgs

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	packageurl "github.com/package-url/packageurl-go"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/vuln"
)

// SBOMArtifactType is the artifact type pinwheel build attaches its
// CycloneDX SBOM under.
const SBOMArtifactType = "application/vnd.cyclonedx+json"

// FromSBOM lists the packages of a CycloneDX JSON SBOM: components with a
// pkg:pypi purl, and pkg:deb/debian purls by their upstream (source)
// package when the purl names one, in the release of their distro
// qualifier (debian-12 → Debian:12).
func FromSBOM(file string, data []byte) ([]vuln.Located, error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, &inputerr.Error{Path: file, Msg: "not a CycloneDX JSON SBOM", Err: err}
	}
	var out []vuln.Located
	if bom.Components == nil {
		return out, nil
	}
	for _, c := range *bom.Components {
		if c.PackageURL == "" {
			continue
		}
		u, err := packageurl.FromString(c.PackageURL)
		if err != nil || u.Version == "" {
			continue
		}
		at := vuln.Location{File: file + "#" + c.PackageURL}
		switch u.Type {
		case packageurl.TypePyPi:
			out = append(out, vuln.Located{Package: vuln.Package{Ecosystem: vuln.PyPI, Name: pep.NormalizeName(u.Name), Version: u.Version}, At: at})
		case packageurl.TypeDebian:
			q := u.Qualifiers.Map()
			eco := vuln.Debian
			if r, ok := strings.CutPrefix(q["distro"], "debian-"); ok {
				eco += ":" + r
			}
			n := u.Name
			if up := q["upstream"]; up != "" {
				n, _, _ = strings.Cut(up, "@")
			}
			out = append(out, vuln.Located{Package: vuln.Package{Ecosystem: eco, Name: n, Version: u.Version}, At: at})
		}
	}
	return out, nil
}

// LayoutSBOM returns the SBOM attached to the image with digest d in the
// OCI layout at dir: a manifest annotated dev.pinwheel.attachment=sbom (as
// pinwheel build writes it) or any manifest of artifact type
// application/vnd.cyclonedx+json, whose subject is d. ok is false when
// there is none.
func LayoutSBOM(dir string, d v1.Hash) (data []byte, ok bool, err error) {
	lp, err := layout.FromPath(dir)
	if err != nil {
		return nil, false, err
	}
	idx, err := lp.ImageIndex()
	if err != nil {
		return nil, false, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, false, err
	}
	for _, desc := range im.Manifests {
		if desc.Annotations["dev.pinwheel.attachment"] != "sbom" && desc.ArtifactType != SBOMArtifactType {
			continue
		}
		img, err := idx.Image(desc.Digest)
		if err != nil {
			return nil, false, err
		}
		m, err := img.Manifest()
		if err != nil {
			return nil, false, err
		}
		if m.Subject == nil || m.Subject.Digest != d || len(m.Layers) != 1 || m.ArtifactType != SBOMArtifactType {
			continue
		}
		data, err := blob(img, m.Layers[0].Digest)
		return data, err == nil, err
	}
	return nil, false, nil
}

// RegistrySBOM returns the SBOM attached to ref's digest in its registry,
// found through the OCI referrers API (or its tag fallback).
func RegistrySBOM(d name.Digest, opts ...remote.Option) (data []byte, ok bool, err error) {
	idx, err := remote.Referrers(d, opts...)
	if err != nil {
		return nil, false, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, false, err
	}
	for _, desc := range im.Manifests {
		// Registries that predate the artifactType field report the config's
		// media type instead (the empty config, for an OCI 1.1 artifact):
		// those manifests are read to see what they carry.
		if desc.ArtifactType != SBOMArtifactType && desc.ArtifactType != "application/vnd.oci.empty.v1+json" {
			continue
		}
		img, err := remote.Image(d.Context().Digest(desc.Digest.String()), opts...)
		if err != nil {
			return nil, false, err
		}
		m, err := img.Manifest()
		if err != nil {
			return nil, false, fmt.Errorf("referrer %s: %w", desc.Digest, err)
		}
		if len(m.Layers) != 1 || (m.ArtifactType != SBOMArtifactType && m.Layers[0].MediaType != SBOMArtifactType) {
			continue
		}
		data, err := blob(img, m.Layers[0].Digest)
		return data, err == nil, err
	}
	return nil, false, nil
}

func blob(img v1.Image, h v1.Hash) ([]byte, error) {
	l, err := img.LayerByDigest(h)
	if err != nil {
		return nil, err
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, maxFile))
}

// BesideSBOM reads PATH.sbom.cdx.json, the copy pinwheel build writes next
// to a tar: output.
func BesideSBOM(path string) ([]byte, bool, error) {
	data, err := os.ReadFile(filepath.Clean(path) + ".sbom.cdx.json")
	if os.IsNotExist(err) {
		return nil, false, nil
	}
	return data, err == nil, err
}
