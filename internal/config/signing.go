package config

import (
	"path"
	"path/filepath"
)

// Signing is the signing: section: the key `pinwheel build` signs the
// provenance and SBOM attestations with, and what deploying requires of an
// image's attestations.
//
//	signing:
//	  key: signing/pinwheel.key          # private key (PEM; cosign's encrypted keys too)
//	  passwordEnv: PINWHEEL_SIGNING_PASSWORD
//	  publicKey: signing/pinwheel.pub    # what attestations must verify with
//	  requireSignedProvenance: true      # deploy refuses an image whose attestations do not verify
type Signing struct {
	// Key is the private key file, relative to the project. It never goes
	// into the image, whatever it is named.
	Key string `yaml:"key"`
	// PasswordEnv names the variable holding an encrypted key's password
	// (default PINWHEEL_SIGNING_PASSWORD, then COSIGN_PASSWORD).
	PasswordEnv string `yaml:"passwordEnv"`
	// PublicKey is the PEM public key file attestations must verify with.
	PublicKey string `yaml:"publicKey"`
	// RequireSignedProvenance makes deploy (local and kube) refuse an
	// image without a provenance attestation that verifies with PublicKey.
	RequireSignedProvenance bool `yaml:"requireSignedProvenance"`
}

// validateSigning reports the signing: section's problems at their keys.
func (c *Config) validateSigning(bad func(key, format string, args ...any)) {
	s := c.Signing
	for _, f := range []struct{ key, val string }{{"signing.key", s.Key}, {"signing.publicKey", s.PublicKey}} {
		if f.val != "" && !localPath(f.val) {
			bad(f.key, "%q must be a relative path inside the project", f.val)
		}
	}
	if s.PasswordEnv != "" && !envKeyRe.MatchString(s.PasswordEnv) {
		bad("signing.passwordEnv", "%q is not an environment variable name", s.PasswordEnv)
	}
	if s.RequireSignedProvenance && s.PublicKey == "" {
		bad("signing.requireSignedProvenance", "needs signing.publicKey: the PEM public key the provenance must verify with")
	}
}

// signingKeyFile says whether rel is the signing key: it never goes into
// the image, whatever it is named.
func (c *Config) signingKeyFile(rel string) bool {
	k := c.Signing.Key
	return k != "" && !path.IsAbs(k) && path.Clean(filepath.ToSlash(k)) == rel
}

// SigningPath is a signing: file (Key or PublicKey) as a path under the
// project directory; "" stays "".
func (c *Config) SigningPath(rel string) string {
	if rel == "" {
		return ""
	}
	return filepath.Join(c.Dir, filepath.FromSlash(rel))
}
