package verify_test

import (
	"context"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/verify"
)

// BenchmarkCheck: verifying the provenance and SBOM envelopes of one image
// (signatures, subjects, provenance facts), without the registry round trips.
func BenchmarkCheck(b *testing.B) {
	f := newFixture(b)
	signed := f.signed(b)
	h, _ := v1.NewHash(f.digest)
	s := verify.Subject{Ref: "bench", Digest: h, Signed: signed}
	p := verify.Policy{Key: f.signer.Public(), SourceCommit: commit, LockHash: lockHash}
	b.ResetTimer()
	for b.Loop() {
		if r := verify.Check(context.Background(), s, p); !r.Verified {
			b.Fatal(r.Problems)
		}
	}
}
