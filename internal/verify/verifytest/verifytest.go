// Package verifytest is a test rig for signed provenance: a loopback
// go-containerregistry registry holding images pushed with or without a
// provenance signed by the rig's own key, as pinwheel build --sign-key
// stores it. Tests only.
package verifytest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
	"pinwheel.dev/pinwheel/internal/publish"
	"pinwheel.dev/pinwheel/internal/signing"
)

// Registry is a loopback registry and the key its signed images are signed with.
type Registry struct {
	Host   string
	Signer signing.Signer
}

// NewRegistry starts a registry on 127.0.0.1 for the test's lifetime.
func NewRegistry(t testing.TB) *Registry {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.NewKeySigner(k)
	if err != nil {
		t.Fatal(err)
	}
	return &Registry{Host: strings.TrimPrefix(srv.URL, "http://"), Signer: s}
}

// WritePublicKey writes the rig's public key (PEM) to path.
func (r *Registry) WritePublicKey(t testing.TB, path string) {
	t.Helper()
	pem, err := signing.MarshalPublicKey(r.Signer.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Push pushes a small image of service, distinct per version, to
// HOST/service:version — with a provenance signed by the rig's key when
// sign — and returns its HOST/service@sha256:… reference.
func (r *Registry) Push(t testing.TB, service, version string, sign bool) string {
	t.Helper()
	base, err := imagetest.Base(v1.Platform{OS: "linux", Architecture: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	img := mutate.Annotations(base, map[string]string{"version": version}).(v1.Image)
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	a := publish.Artifact{Image: img, Tag: service + ":" + version}
	if sign {
		st, err := attest.Provenance(attest.ProvenanceInput{Info: attest.BuildInfo{Service: service, ImageDigest: d.String()}, SubjectName: service})
		if err != nil {
			t.Fatal(err)
		}
		env, err := signing.SignStatement(context.Background(), r.Signer, st)
		if err != nil {
			t.Fatal(err)
		}
		a.Signed = []publish.Signed{{PredicateType: attest.SLSAPredicateType, Envelope: env}}
	}
	p, err := publish.New(r.Host + "/" + service + ":" + version)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Publish(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	return res.Ref
}
