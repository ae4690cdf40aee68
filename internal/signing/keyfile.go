package signing

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/secure-systems-lab/go-securesystemslib/encrypted"
)

// PEM block types of cosign's password-encrypted private keys (scrypt +
// NaCl secretbox around a PKCS#8 key); "COSIGN" is the older name.
const (
	pemSigstoreEncrypted = "ENCRYPTED SIGSTORE PRIVATE KEY"
	pemCosignEncrypted   = "ENCRYPTED COSIGN PRIVATE KEY"
)

// ErrNeedPassword is returned for an encrypted key when no password is given.
var ErrNeedPassword = errors.New("the key is encrypted and no password was given")

// ParsePrivateKey reads a PEM private key: PKCS#8 ("PRIVATE KEY"), SEC1
// ("EC PRIVATE KEY"), or cosign's encrypted key, whose password password
// returns (it is called only for an encrypted key). Errors never include
// the key's bytes or the password.
func ParsePrivateKey(data []byte, password func() ([]byte, error)) (Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("not a PEM private key")
	}
	var der []byte
	switch block.Type {
	case "PRIVATE KEY", "EC PRIVATE KEY":
		der = block.Bytes
	case pemSigstoreEncrypted, pemCosignEncrypted:
		if password == nil {
			return nil, ErrNeedPassword
		}
		pw, err := password()
		if err != nil {
			return nil, err
		}
		if len(pw) == 0 {
			return nil, ErrNeedPassword
		}
		der, err = encrypted.Decrypt(block.Bytes, pw)
		if err != nil {
			return nil, errors.New("decrypt the key: wrong password or damaged key")
		}
	default:
		return nil, fmt.Errorf("PEM block %q: expected PRIVATE KEY, EC PRIVATE KEY or %s", block.Type, pemSigstoreEncrypted)
	}
	key, err := parseDER(block.Type, der)
	if err != nil {
		return nil, err
	}
	return NewKeySigner(key)
}

func parseDER(typ string, der []byte) (crypto.Signer, error) {
	if typ == "EC PRIVATE KEY" {
		k, err := x509.ParseECPrivateKey(der)
		if err != nil {
			return nil, errors.New("EC PRIVATE KEY: not a valid SEC 1 key")
		}
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, errors.New("not a valid PKCS #8 private key")
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("key type %T cannot sign", k)
	}
	return s, nil
}

// ParsePublicKey reads a PEM "PUBLIC KEY" (PKIX), as cosign writes cosign.pub.
func ParsePublicKey(data []byte) (crypto.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("not a PEM public key")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("PEM block %q: expected PUBLIC KEY", block.Type)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("PUBLIC KEY: %w", err)
	}
	if err := checkPublic(pub); err != nil {
		return nil, err
	}
	return pub, nil
}

// MarshalPublicKey encodes pub as a PEM "PUBLIC KEY".
func MarshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// MarshalEncryptedKey encodes key as cosign does: PKCS#8, encrypted with
// password (scrypt + secretbox), in an "ENCRYPTED SIGSTORE PRIVATE KEY" block.
func MarshalEncryptedKey(key crypto.Signer, password []byte) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	enc, err := encrypted.Encrypt(der, password)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemSigstoreEncrypted, Bytes: enc}), nil
}

// LoadKeyFile reads and parses the private key file at path (see
// ParsePrivateKey). Errors name the file, never its content.
func LoadKeyFile(path string, password func() ([]byte, error)) (Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	s, err := ParsePrivateKey(data, password)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	return s, nil
}

// LoadPublicKeyFile reads and parses the PEM public key file at path.
func LoadPublicKeyFile(path string) (crypto.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	pub, err := ParsePublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("public key %s: %w", path, err)
	}
	return pub, nil
}

// PasswordFromEnv returns a password source reading the first of names
// that is set in the environment (via getenv).
func PasswordFromEnv(getenv func(string) string, names ...string) func() ([]byte, error) {
	return func() ([]byte, error) {
		for _, n := range names {
			if v := getenv(n); v != "" {
				return []byte(v), nil
			}
		}
		return nil, fmt.Errorf("%w: set %s", ErrNeedPassword, strings.Join(names, " or "))
	}
}
