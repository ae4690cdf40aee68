package imagepkgs

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"log"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/publish"
	"pinwheel.dev/pinwheel/internal/vuln"
)

func tarLayer(t *testing.T, files map[string]string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg})
		tw.Write([]byte(files[n]))
	}
	tw.Close()
	return static.NewLayer(buf.Bytes(), types.OCIUncompressedLayer)
}

const sp = "usr/local/lib/python3.11/site-packages/"

// testImage has Python distributions in one layer, a dpkg status and
// os-release in another, and a top layer that deletes one distribution.
func testImage(t *testing.T) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image,
		tarLayer(t, map[string]string{
			"etc/os-release": "PRETTY_NAME=\"Debian GNU/Linux 7 (wheezy)\"\nID=debian\nVERSION_ID=\"7\"\n",
			"var/lib/dpkg/status": "Package: nginx-light\nStatus: install ok installed\nVersion: 1.2.1-2.2+wheezy2\nSource: nginx\n\n" +
				"Package: libc6\nStatus: deinstall ok config-files\nVersion: 2.13-38\nSource: eglibc\n\n" +
				"Package: unixodbc\nStatus: install ok installed\nVersion: 2.3.1-4.1\n",
		}),
		tarLayer(t, map[string]string{
			sp + "requests-2.30.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: requests\nVersion: 2.30.0\n\nName: not-this\n",
			sp + "Jinja2-2.10.dist-info/METADATA":     "Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\n",
			sp + "py-1.11.0.dist-info/METADATA":       "Metadata-Version: 2.1\nName: py\nVersion: 1.11.0\n",
		}),
		tarLayer(t, map[string]string{sp + ".wh.py-1.11.0.dist-info": ""}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func names(pkgs []vuln.Located) []string {
	var out []string
	for _, p := range pkgs {
		out = append(out, p.Ecosystem+"/"+p.Name+"@"+p.Version)
	}
	slices.Sort(out)
	return out
}

func TestFromLayers(t *testing.T) {
	pkgs, err := FromLayers(testImage(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Debian:7/nginx@1.2.1-2.2+wheezy2", "Debian:7/unixodbc@2.3.1-4.1", "PyPI/jinja2@2.10", "PyPI/requests@2.30.0"}
	if got := names(pkgs); !slices.Equal(got, want) {
		t.Errorf("packages = %v, want %v (source names, installed only, the whited-out py gone)", got, want)
	}
}

func TestListLayoutWithAndWithoutSBOM(t *testing.T) {
	img := testImage(t)
	dir := filepath.Join(t.TempDir(), "img")
	pub, err := publish.New("oci:" + dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pub.Publish(context.Background(), publish.Artifact{Image: img}); err != nil {
		t.Fatal(err)
	}
	res, err := List(context.Background(), "oci:"+dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.From != "layers" || len(res.Packages) != 4 {
		t.Errorf("no SBOM: from %s, %d packages; want layers, 4", res.From, len(res.Packages))
	}

	// The same image with the SBOM pinwheel build attaches: its packages win.
	sbom := testSBOM(t, img)
	dir2 := filepath.Join(t.TempDir(), "img")
	pub, _ = publish.New("oci:" + dir2)
	if _, err := pub.Publish(context.Background(), publish.Artifact{Image: img, Attachments: []publish.Attachment{
		{Kind: "sbom", ArtifactType: SBOMArtifactType, FileName: "sbom.cdx.json", Data: sbom}}}); err != nil {
		t.Fatal(err)
	}
	res, err = List(context.Background(), "oci:"+dir2)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Debian:12/openssl@3.0.15-1~deb12u1", "PyPI/flask@3.0.3"}
	if got := names(res.Packages); res.From != "sbom" || !slices.Equal(got, want) {
		t.Errorf("with SBOM: from %s, %v; want sbom, %v", res.From, got, want)
	}
}

func TestListRegistryReferrer(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.WithReferrersSupport(true), registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	img := testImage(t)
	repo := strings.TrimPrefix(srv.URL, "http://") + "/shop"
	pub, err := publish.New(repo + ":1")
	if err != nil {
		t.Fatal(err)
	}
	r, err := pub.Publish(context.Background(), publish.Artifact{Image: img, Attachments: []publish.Attachment{
		{Kind: "sbom", ArtifactType: SBOMArtifactType, Data: testSBOM(t, img)}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := List(context.Background(), r.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if res.From != "sbom" || len(res.Packages) != 2 || res.Digest != r.Digest {
		t.Errorf("registry: from %s, %d packages, digest %s; want sbom, 2, %s", res.From, len(res.Packages), res.Digest, r.Digest)
	}
}

// testSBOM is pinwheel's own SBOM for a one-package lock and one Debian package.
func testSBOM(t *testing.T, img v1.Image) []byte {
	t.Helper()
	l, err := lock.Parse("requirements.txt", lock.FormatRequirements, []byte("flask==3.0.3 \\\n    --hash=sha256:34e7c2dc8ee3ba8ae5f4dc6a8a1d7a0f2cbcb5a9b2e1c3c0a3e9f2b7d9f0e4a1\n"))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	data, err := attest.CycloneDX(l, attest.Subject{Name: "shop", ImageDigest: d.String()}, attest.WithOSPackages([]attest.OSPackage{
		{Distro: "debian", Release: "debian-12", Name: "libssl3", Version: "3.0.15-1~deb12u1", Architecture: "amd64", Source: "openssl"}}))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestLayerPackagesMatchAdvisories scans the image's layers against the
// real records of internal/vuln/testdata: the Debian package is matched by
// its source name in the release os-release gives.
func TestLayerPackagesMatchAdvisories(t *testing.T) {
	db, err := vuln.Load(filepath.Join("..", "vuln", "testdata", "osv"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := FromLayers(testImage(t))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := vuln.Run(context.Background(), db, []string{"img"}, pkgs, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.ID+" "+f.Package.Name+" "+f.Locations[0].File)
	}
	want := []string{
		"DSA-3029-1 nginx /var/lib/dpkg/status",
		"PYSEC-2021-66 jinja2 /" + sp + "Jinja2-2.10.dist-info/METADATA",
		"GHSA-j8r2-6x86-q33q requests /" + sp + "requests-2.30.0.dist-info/METADATA",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings = %q\nwant %q", got, want)
	}
}
