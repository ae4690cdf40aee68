// Package imagepkgs lists the packages installed in a built OCI image, for
// vulnerability scanning: from the CycloneDX SBOM attached to it when there
// is one, else from its filesystem — Python distributions'
// *.dist-info/METADATA and Debian's dpkg status (var/lib/dpkg/status or the
// distroless status.d/ directory), with the Debian release from os-release.
//
// It reads images; it does not build them, fetch advisories or match.
package imagepkgs
