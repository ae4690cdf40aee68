package target

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/signing"
)

// signedProject is a shop project requiring signed provenance (a fresh
// public key nothing was signed with) and an unsigned image layout.
func signedProject(t *testing.T) (dir, layout string) {
	t.Helper()
	dir = t.TempDir()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := signing.MarshalPublicKey(pub)
	os.WriteFile(filepath.Join(dir, "shop.pub"), pem, 0o644)
	os.WriteFile(filepath.Join(dir, "pinwheel.yaml"), []byte(`service: shop
version: 1.0.0
base: oci:base
entrypoint: ["python3", "-m", "shop"]
rollout:
  steps:
    - setWeight: 100
signing:
  publicKey: shop.pub
  requireSignedProvenance: true
`), 0o644)
	layout = filepath.Join(t.TempDir(), "shop.oci")
	if _, err := imagetest.WriteLayout(layout); err != nil {
		t.Fatal(err)
	}
	return dir, layout
}

// Each way a local deploy names what to run is checked before anything is
// recorded or the runtime is reached: --image, --source, and a --release
// already in the ledger (its recorded image). The refusal is an input
// error at the pinwheel.yaml line that asks for it.
func TestLocalDeployRefusesUnverifiedImages(t *testing.T) {
	ctx := context.Background()
	dir, layout := signedProject(t)
	db := filepath.Join(t.TempDir(), "ledger.db")
	s, err := ledgerdb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop", ImageRef: "oci:" + layout}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	tg, _ := Open(Options{Ledger: db})
	for name, tc := range map[string]struct {
		req  DeployRequest
		want string
	}{
		"image":   {DeployRequest{Dir: dir, Image: "oci:" + layout}, "refusing oci:" + layout + ": its attestations do not verify"},
		"source":  {DeployRequest{Dir: dir, Source: true}, "a run from source has no signed provenance"},
		"release": {DeployRequest{Dir: dir, Release: "shop-1"}, "refusing oci:" + layout + ": its attestations do not verify"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tg.Deploy(ctx, tc.req)
			if !inputerr.Is(err) || !strings.Contains(err.Error(), "pinwheel.yaml:10:28: signing.requireSignedProvenance: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant an input error saying %q", err, tc.want)
			}
		})
	}
	s, _ = ledgerdb.Open(ctx, db)
	defer s.Close()
	if _, err := s.GetRelease(ctx, "shop", "shop-2"); err == nil {
		t.Error("a refused deploy recorded a release")
	}
}
