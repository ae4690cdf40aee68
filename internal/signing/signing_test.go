package signing

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
)

const statement = `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"hello","digest":{"sha256":"aa"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}`

func newKeys(t testing.TB) map[string]crypto.Signer {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]crypto.Signer{"ecdsa_p256": ec, "ed25519": ed}
}

func pkcs8PEM(t testing.TB, k crypto.Signer) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	for name, k := range newKeys(t) {
		t.Run(name, func(t *testing.T) {
			s, err := ParsePrivateKey(pkcs8PEM(t, k), nil)
			if err != nil {
				t.Fatal(err)
			}
			env, err := SignStatement(ctx, s, []byte(statement))
			if err != nil {
				t.Fatal(err)
			}
			pubPEM, _ := MarshalPublicKey(k.Public())
			pub, err := ParsePublicKey(pubPEM)
			if err != nil {
				t.Fatal(err)
			}
			got, err := VerifyEnvelope(ctx, pub, env)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != statement {
				t.Errorf("payload = %s", got)
			}
			var e struct {
				PayloadType string `json:"payloadType"`
				Signatures  []struct {
					Sig string `json:"sig"`
				} `json:"signatures"`
			}
			if err := json.Unmarshal(env, &e); err != nil || e.PayloadType != InTotoPayloadType || len(e.Signatures) != 1 {
				t.Errorf("envelope %s: %v", env, err)
			}
		})
	}
}

func TestTamperedPayloadDoesNotVerify(t *testing.T) {
	ctx := context.Background()
	k := newKeys(t)["ecdsa_p256"]
	s, _ := NewKeySigner(k)
	env, _ := SignStatement(ctx, s, []byte(statement))
	var m map[string]any
	_ = json.Unmarshal(env, &m)
	m["payload"] = base64.StdEncoding.EncodeToString([]byte(strings.Replace(statement, `"aa"`, `"bb"`, 1)))
	tampered, _ := json.Marshal(m)
	if _, err := VerifyEnvelope(ctx, k.Public(), tampered); !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered payload: err = %v, want ErrBadSignature", err)
	}
	m["payloadType"] = "text/plain"
	other, _ := json.Marshal(m)
	if _, err := VerifyEnvelope(ctx, k.Public(), other); !errors.Is(err, ErrNotInToto) {
		t.Errorf("other payloadType: err = %v", err)
	}
}

func TestWrongKeyDoesNotVerify(t *testing.T) {
	ctx := context.Background()
	a, b := newKeys(t), newKeys(t)
	for name := range a {
		s, _ := NewKeySigner(a[name])
		env, _ := SignStatement(ctx, s, []byte(statement))
		for other, k := range b {
			if _, err := VerifyEnvelope(ctx, k.Public(), env); !errors.Is(err, ErrBadSignature) {
				t.Errorf("%s envelope with another %s key: err = %v", name, other, err)
			}
		}
	}
}

func TestEncryptedKeyNeedsItsPassword(t *testing.T) {
	k := newKeys(t)["ecdsa_p256"]
	const pw = "correct horse battery staple"
	data, err := MarshalEncryptedKey(k, []byte(pw))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("ENCRYPTED SIGSTORE PRIVATE KEY")) {
		t.Fatalf("not cosign's PEM type:\n%s", data)
	}
	s, err := ParsePrivateKey(data, func() ([]byte, error) { return []byte(pw), nil })
	if err != nil {
		t.Fatal(err)
	}
	if !s.Public().(*ecdsa.PublicKey).Equal(k.Public()) {
		t.Error("decrypted key differs")
	}
	if _, err := ParsePrivateKey(data, nil); !errors.Is(err, ErrNeedPassword) {
		t.Errorf("no password: %v", err)
	}
	const wrong = "hunter2-wrong-password"
	_, err = ParsePrivateKey(data, func() ([]byte, error) { return []byte(wrong), nil })
	if err == nil || strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), pw) {
		t.Errorf("wrong password: err = %v (must fail without echoing a password)", err)
	}
	env := PasswordFromEnv(func(string) string { return "" }, "PINWHEEL_SIGNING_PASSWORD", "COSIGN_PASSWORD")
	if _, err := ParsePrivateKey(data, env); !errors.Is(err, ErrNeedPassword) || !strings.Contains(err.Error(), "COSIGN_PASSWORD") {
		t.Errorf("unset env: %v", err)
	}
}

func TestParseRejects(t *testing.T) {
	rsaLike := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte{1}})
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	secret := pkcs8PEM(t, p384)
	for name, in := range map[string][]byte{"empty": nil, "rsa_block": rsaLike, "p384": secret, "garbage_pkcs8": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("secretbytes")})} {
		_, err := ParsePrivateKey(in, nil)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "secretbytes") {
			t.Errorf("%s: error echoes the key: %v", name, err)
		}
	}
	if _, err := ParsePublicKey(pkcs8PEM(t, p384)); err == nil {
		t.Error("a private key accepted as public key")
	}
}

func FuzzParsePrivateKey(f *testing.F) {
	for _, k := range newKeys(f) {
		f.Add(pkcs8PEM(f, k))
	}
	f.Add([]byte("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----\n"))
	enc, _ := MarshalEncryptedKey(newKeys(f)["ed25519"], []byte("right-password"))
	f.Add(enc)
	f.Fuzz(func(t *testing.T, data []byte) {
		const pw = "fuzz-password-9f3c" // never the right one: errors must not echo it
		s, err := ParsePrivateKey(data, func() ([]byte, error) { return []byte(pw), nil })
		if err == nil && s.Public() == nil {
			t.Fatal("signer without a public key")
		}
		if err != nil && strings.Contains(err.Error(), pw) {
			t.Fatalf("error echoes the password: %v", err)
		}
		_, _ = ParsePublicKey(data)
	})
}

func FuzzVerifyEnvelope(f *testing.F) {
	k := newKeys(f)["ed25519"]
	s, _ := NewKeySigner(k)
	env, _ := SignStatement(context.Background(), s, []byte(statement))
	f.Add(env)
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"!!","signatures":[{"sig":"AA=="}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := VerifyEnvelope(context.Background(), k.Public(), data)
		if err == nil && !bytes.Equal(got, []byte(statement)) {
			t.Fatalf("verified a payload the key never signed: %q", got)
		}
	})
}

// remoteSigner stands for a KMS backend: pinwheel sees only the public key
// and a call that returns signatures; the private key stays behind it.
type remoteSigner struct {
	pub   crypto.PublicKey
	calls int
	sign  func(data []byte) ([]byte, error)
}

func (r *remoteSigner) Public() crypto.PublicKey { return r.pub }
func (r *remoteSigner) Sign(_ context.Context, data []byte) ([]byte, error) {
	r.calls++
	return r.sign(data)
}

func TestAnotherSignerBackend(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	r := &remoteSigner{pub: pub, sign: func(data []byte) ([]byte, error) { return ed25519.Sign(priv, data), nil }}
	env, err := SignStatement(context.Background(), r, []byte(statement))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := VerifyEnvelope(context.Background(), pub, env); err != nil || string(got) != statement || r.calls != 1 {
		t.Errorf("verify: %q %v (calls %d)", got, err, r.calls)
	}
	failing := &remoteSigner{pub: pub, sign: func([]byte) ([]byte, error) { return nil, errors.New("kms: permission denied") }}
	if _, err := SignStatement(context.Background(), failing, []byte(statement)); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("a failing backend: %v", err)
	}
}
