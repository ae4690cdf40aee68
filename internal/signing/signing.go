// Package signing owns the keys and signatures of pinwheel's attestations:
// a Signer interface (a key file, or any KMS-style backend that can sign
// bytes), PEM key loading (PKCS#8, SEC1, and cosign's encrypted
// "SIGSTORE PRIVATE KEY" files), and DSSE envelopes over in-toto
// statements. It does not know what a statement says (internal/attest) or
// where envelopes are stored (internal/publish, internal/verify).
package signing

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Signer signs the bytes DSSE asks it to sign. A key file is one Signer; a
// KMS or HSM backend is another: it needs only the public key and a way to
// sign. Signatures are ASN.1 DER ECDSA over SHA-256 for P-256 keys and plain
// Ed25519 for ed25519 keys — what cosign and in-toto verifiers expect.
type Signer interface {
	// Public returns the key that verifies this signer's signatures.
	Public() crypto.PublicKey
	// Sign signs data (the DSSE pre-authentication encoding of a payload).
	Sign(ctx context.Context, data []byte) ([]byte, error)
}

// keySigner is a Signer over a private key held in memory.
type keySigner struct{ key crypto.Signer }

var _ Signer = keySigner{}

// NewKeySigner returns a Signer for an ECDSA P-256 or ed25519 private key.
func NewKeySigner(key crypto.Signer) (Signer, error) {
	if err := checkPublic(key.Public()); err != nil {
		return nil, err
	}
	return keySigner{key: key}, nil
}

func (k keySigner) Public() crypto.PublicKey { return k.key.Public() }

func (k keySigner) Sign(_ context.Context, data []byte) ([]byte, error) {
	switch priv := k.key.(type) {
	case ed25519.PrivateKey:
		return ed25519.Sign(priv, data), nil
	case *ecdsa.PrivateKey:
		h := sha256.Sum256(data)
		return ecdsa.SignASN1(rand.Reader, priv, h[:])
	}
	return nil, fmt.Errorf("unsupported key type %T", k.key)
}

// checkPublic accepts the key types pinwheel signs and verifies with.
func checkPublic(pub crypto.PublicKey) error {
	switch p := pub.(type) {
	case ed25519.PublicKey:
		return nil
	case *ecdsa.PublicKey:
		if p.Curve == elliptic.P256() {
			return nil
		}
		return fmt.Errorf("ECDSA key on curve %s: only P-256 is supported", p.Curve.Params().Name)
	}
	return fmt.Errorf("key type %T: only ECDSA P-256 and ed25519 keys are supported", pub)
}

// verifySig checks sig over data with pub.
func verifySig(pub crypto.PublicKey, data, sig []byte) error {
	switch p := pub.(type) {
	case ed25519.PublicKey:
		if ed25519.Verify(p, data, sig) {
			return nil
		}
	case *ecdsa.PublicKey:
		h := sha256.Sum256(data)
		if ecdsa.VerifyASN1(p, h[:], sig) {
			return nil
		}
	default:
		return fmt.Errorf("key type %T: only ECDSA P-256 and ed25519 keys are supported", pub)
	}
	return ErrBadSignature
}

// ErrBadSignature is returned when no signature verifies with the key.
var ErrBadSignature = errors.New("signature does not verify with the key")
