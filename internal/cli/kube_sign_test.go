package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
	"pinwheel.dev/pinwheel/internal/publish"
	"pinwheel.dev/pinwheel/internal/signing"
)

// signedRegistry serves a loopback registry holding two shop images, one
// with a provenance signed by the key written to pub (in dir) and one
// unsigned; it returns their REPO@sha256 references.
func signedRegistry(t *testing.T, dir string) (signed, unsigned string) {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	repo := strings.TrimPrefix(srv.URL, "http://") + "/shop"
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := signing.NewKeySigner(k)
	pubPEM, _ := signing.MarshalPublicKey(k.Public())
	if err := os.WriteFile(filepath.Join(dir, "signing.pub"), pubPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	base, err := imagetest.Base(v1.Platform{OS: "linux", Architecture: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	push := func(version string, sign bool) string {
		img := mutate.Annotations(base, map[string]string{"version": version}).(v1.Image)
		d, _ := img.Digest()
		a := publish.Artifact{Image: img, Tag: "shop:" + version}
		if sign {
			st, err := attest.Provenance(attest.ProvenanceInput{Info: attest.BuildInfo{Service: "shop", ImageDigest: d.String()}, SubjectName: "shop"})
			if err != nil {
				t.Fatal(err)
			}
			env, err := signing.SignStatement(context.Background(), s, st)
			if err != nil {
				t.Fatal(err)
			}
			a.Signed = []publish.Signed{{PredicateType: attest.SLSAPredicateType, Envelope: env}}
		}
		p, _ := publish.New(repo + ":" + version)
		res, err := p.Publish(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		return res.Ref
	}
	return push("2.0.0", true), push("2.0.1", false)
}

// With signing.requireSignedProvenance, deploy --target kube refuses an
// image whose provenance does not verify before any Release exists, and
// rolls out one whose provenance does.
func TestKubeDeployRequiresSignedProvenance(t *testing.T) {
	e := kubeEnv(t)
	dir := kubeProject(t, timedSteps)
	signed, unsigned := signedRegistry(t, dir)
	appendFile(t, filepath.Join(dir, "pinwheel.yaml"), "signing: {publicKey: signing.pub, requireSignedProvenance: true}\n")

	out, errOut, code := runCLI(t, kubeArgs(e, "deploy", dir, "--image", unsigned, "--lease-namespace", e.Namespace)...)
	if code != ExitUsage || !strings.Contains(errOut, "signing.requireSignedProvenance: refusing "+unsigned) || !strings.Contains(errOut, "no signed attestations") {
		t.Fatalf("unsigned image: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	var list v1alpha1.ReleaseList
	if err := e.Client.List(context.Background(), &list, client.InNamespace(e.Namespace)); err != nil || len(list.Items) != 0 {
		t.Fatalf("a refused deploy created Releases: %d %v", len(list.Items), err)
	}

	out, errOut, code = runCLI(t, kubeArgs(e, "deploy", dir, "--image", signed, "--lease-namespace", e.Namespace)...)
	if code != 0 || !strings.Contains(out, "of shop: promoted") {
		t.Fatalf("signed image: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}
