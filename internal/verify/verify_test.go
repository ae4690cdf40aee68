package verify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
	"pinwheel.dev/pinwheel/internal/publish"
	"pinwheel.dev/pinwheel/internal/signing"
	"pinwheel.dev/pinwheel/internal/verify"
)

const (
	commit   = "0123456789abcdef0123456789abcdef01234567"
	lockHash = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
)

func newSigner(t *testing.T) signing.Signer { return newSignerTB(t) }

func newSignerTB(t testing.TB) signing.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.NewKeySigner(k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// provenance is a statement pinwheel build would write for digest d.
func provenance(t *testing.T, d string) []byte { return mustProvenance(t, d) }

func mustProvenance(t testing.TB, d string) []byte {
	t.Helper()
	st, err := attest.Provenance(attest.ProvenanceInput{
		Info:        attest.BuildInfo{Service: "hello", ImageDigest: d, LockHash: lockHash, GitCommit: commit, BuilderVersion: "test"},
		SubjectName: "hello",
		Materials:   []attest.Material{{Name: "source", URI: "git:" + commit, Digest: map[string]string{"gitCommit": commit}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func signStatement(s signing.Signer, st []byte) ([]byte, error) {
	return signing.SignStatement(context.Background(), s, st)
}

func sign(t testing.TB, s signing.Signer, st []byte) []byte {
	t.Helper()
	env, err := signing.SignStatement(context.Background(), s, st)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

type fixture struct {
	img    v1.Image
	digest string
	signer signing.Signer
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	img, err := imagetest.Base(v1.Platform{OS: "linux", Architecture: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return fixture{img: img, digest: d.String(), signer: newSignerTB(t)}
}

// signed is what pinwheel build attaches: the provenance and the SBOM statement.
func (f fixture) signed(t testing.TB) []publish.Signed {
	sbom, err := attest.Statement("hello", f.digest, attest.CycloneDXPredicateType, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6"}`))
	if err != nil {
		t.Fatal(err)
	}
	return []publish.Signed{
		{PredicateType: attest.SLSAPredicateType, Envelope: sign(t, f.signer, mustProvenance(t, f.digest)), FileName: "provenance.dsse.json"},
		{PredicateType: attest.CycloneDXPredicateType, Envelope: sign(t, f.signer, sbom), FileName: "sbom.dsse.json"},
	}
}

// publishTo writes the image with signed to each kind of output and returns
// the references to verify.
func publishTo(t *testing.T, f fixture, signed []publish.Signed) map[string]string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	outs := map[string]string{
		"registry": strings.TrimPrefix(srv.URL, "http://") + "/team/hello:1.0",
		"layout":   "oci:" + filepath.Join(dir, "layout"),
	}
	refs := map[string]string{}
	for kind, out := range outs {
		p, err := publish.New(out)
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Publish(context.Background(), publish.Artifact{Image: f.img, Tag: "hello:1.0", Signed: signed})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		refs[kind] = out
		if kind == "registry" {
			refs[kind] = res.Ref
		}
	}
	return refs
}

func check(t *testing.T, ref string, p verify.Policy) verify.Report {
	t.Helper()
	r, err := verify.Image(context.Background(), ref, p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestVerifiesWhatBuildAttaches(t *testing.T) {
	f := newFixture(t)
	for kind, ref := range publishTo(t, f, f.signed(t)) {
		t.Run(kind, func(t *testing.T) {
			r := check(t, ref, verify.Policy{Key: f.signer.Public(), SourceCommit: commit, LockHash: lockHash})
			if !r.Verified || r.Digest != f.digest || len(r.Attestations) != 2 {
				t.Fatalf("report:\n%s%+v", r.Text(), r)
			}
			if r.BuilderID != attest.BuilderID || r.SourceCommit != commit || r.LockHash != lockHash {
				t.Errorf("facts %+v", r)
			}
		})
	}
}

func TestRefuses(t *testing.T) {
	f := newFixture(t)
	good := f.signed(t)
	otherDigest := "sha256:" + strings.Repeat("e", 64) // another image's
	tampered := tamper(t, good[0].Envelope, func(s string) string { return strings.Replace(s, commit, strings.Repeat("f", 40), 1) })
	cases := []struct {
		name   string
		signed []publish.Signed
		policy func(p *verify.Policy)
		want   string
	}{
		{"missing_attestation", nil, nil, "no signed attestations for " + f.digest},
		{"tampered_payload", []publish.Signed{{PredicateType: attest.SLSAPredicateType, Envelope: tampered}}, nil, "signature does not verify with the key"},
		{"tampered_sbom", []publish.Signed{good[0], {PredicateType: attest.CycloneDXPredicateType, Envelope: tamper(t, good[1].Envelope, func(s string) string { return strings.Replace(s, "1.6", "1.5", 1) })}}, nil, "https://cyclonedx.org/bom: signature does not verify"},
		{"wrong_key", good, func(p *verify.Policy) { p.Key = newSigner(t).Public() }, "signature does not verify with the key"},
		{"wrong_subject", []publish.Signed{{PredicateType: attest.SLSAPredicateType, Envelope: sign(t, f.signer, provenance(t, otherDigest))}}, nil, "not the image " + f.digest},
		{"wrong_commit", good, func(p *verify.Policy) { p.SourceCommit = strings.Repeat("a", 40) }, "provenance source commit is \"" + commit + "\""},
		{"wrong_lock", good, func(p *verify.Policy) { p.LockHash = "sha256:22" }, "provenance lock hash is \"" + lockHash + "\""},
		{"wrong_builder", good, func(p *verify.Policy) { p.BuilderID = "https://ci.example/builder" }, "provenance builder id is \"" + attest.BuilderID + "\""},
		{"sbom_only", good[1:], nil, "no verified SLSA provenance"},
	}
	for _, tc := range cases {
		refs := publishTo(t, f, tc.signed)
		for kind, ref := range refs {
			t.Run(tc.name+"/"+kind, func(t *testing.T) {
				p := verify.Policy{Key: f.signer.Public()}
				if tc.policy != nil {
					tc.policy(&p)
				}
				r := check(t, ref, p)
				if r.Verified || !strings.Contains(strings.Join(r.Problems, "\n"), tc.want) {
					t.Errorf("want a refusal saying %q, got:\n%s", tc.want, r.Text())
				}
			})
		}
	}
}

func TestBadReferenceIsInputError(t *testing.T) {
	for _, ref := range []string{"oci:" + filepath.Join(t.TempDir(), "none"), "tar:" + filepath.Join(t.TempDir(), "hello.tar"), "UPPER CASE/ref"} {
		_, err := verify.Image(context.Background(), ref, verify.Policy{Key: newSigner(t).Public()})
		if !verify.IsInput(err) {
			t.Errorf("%s: err = %v, want an input error", ref, err)
		}
	}
}

// tamper rewrites an envelope's payload, keeping its signature.
func tamper(t *testing.T, env []byte, edit func(string) string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(env, &m); err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(m["payload"].(string))
	changed := edit(string(raw))
	if changed == string(raw) {
		t.Fatal("tamper changed nothing")
	}
	m["payload"] = base64.StdEncoding.EncodeToString([]byte(changed))
	out, _ := json.Marshal(m)
	return out
}
