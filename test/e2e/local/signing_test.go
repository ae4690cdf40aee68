package local_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/signing"
)

// With signing.requireSignedProvenance, pinwheel deploy refuses (exit 2,
// nothing recorded) an image built without the key and a run from source,
// then rolls out an image built with signing.key to promotion.
func TestDeployRequiresSignedProvenance(t *testing.T) {
	r := newRig(t)
	unsigned := r.build("unsigned")

	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	pubPEM, _ := signing.MarshalPublicKey(pub)
	os.MkdirAll(filepath.Join(r.dir, "signing"), 0o755)
	os.WriteFile(filepath.Join(r.dir, "signing", "shop.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(r.dir, "signing", "shop.pub"), pubPEM, 0o644)
	f, err := os.OpenFile(filepath.Join(r.dir, "pinwheel.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("signing:\n  key: signing/shop.key\n  publicKey: signing/shop.pub\n  requireSignedProvenance: true\n")
	f.Close()

	out := r.deploy(2, "--image", unsigned)
	if !strings.Contains(out, "pinwheel.yaml:") || !strings.Contains(out, "signing.requireSignedProvenance: refusing "+unsigned) || !strings.Contains(out, "no signed attestations") {
		t.Errorf("refusal of the unsigned image:\n%s", out)
	}
	out = r.deploy(2, "--source")
	if !strings.Contains(out, "a run from source has no signed provenance") {
		t.Errorf("refusal of a source run:\n%s", out)
	}
	if _, err := r.ledger().GetRelease(context.Background(), "shop", "shop-1"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("a refused deploy recorded a release: %v", err)
	}

	load := r.load()
	signed := r.build("signed")
	out = r.deploy(0, "--image", signed)
	load.Stop()
	if !strings.Contains(out, "promoted") {
		t.Errorf("deploy of the signed image:\n%s", out)
	}
	if live, err := r.ledger().GetRelease(context.Background(), "shop", "current"); err != nil || live.ID != "shop-1" {
		t.Errorf("live = %+v, %v; want shop-1", live.ID, err)
	}
}
