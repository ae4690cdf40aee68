package verify_test

import (
	"context"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/publish"
	"pinwheel.dev/pinwheel/internal/verify"
)

// FuzzCheck: any statement, signed with the right key, never panics Check,
// and an image verifies only when a statement names its digest.
func FuzzCheck(f *testing.F) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	k := newSignerTB(f)
	f.Add(string(mustProvenance(f, digest)), attest.SLSAPredicateType)
	f.Add(`{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"digest":{"sha256":"`+strings.Repeat("ab", 32)+`"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":[]}`, "")
	f.Add(`{"_type":"https://in-toto.io/Statement/v1","subject":null}`, attest.CycloneDXPredicateType)
	f.Add(`[]`, "x")
	h, _ := v1.NewHash(digest)
	f.Fuzz(func(t *testing.T, statement, annotated string) {
		env, err := signStatement(k, []byte(statement))
		if err != nil {
			return
		}
		r := verify.Check(context.Background(), verify.Subject{Ref: "x", Digest: h, Signed: []publish.Signed{{PredicateType: annotated, Envelope: env}}}, verify.Policy{Key: k.Public()})
		if r.Verified && !strings.Contains(statement, h.Hex) {
			t.Fatalf("verified a statement that does not name the image: %s", statement)
		}
	})
}
