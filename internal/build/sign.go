package build

import (
	"context"
	"fmt"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/publish"
	"pinwheel.dev/pinwheel/internal/signing"
)

// Password variables tried for an encrypted key after signing.passwordEnv.
var passwordEnvs = []string{"PINWHEEL_SIGNING_PASSWORD", "COSIGN_PASSWORD"}

// signer is o.Signer, else the key file --sign-key or signing.key names;
// nil when the build does not sign. A key that cannot be read or decrypted
// is a usage error naming the file (never its bytes or the password).
func signer(cfg *config.Config, o *Options) (signing.Signer, error) {
	if o.NoSign {
		return nil, nil
	}
	if o.Signer != nil {
		return o.Signer, nil
	}
	path := o.SignKey
	if path == "" {
		path = cfg.SigningPath(cfg.Signing.Key)
	}
	if path == "" {
		return nil, nil
	}
	envs := passwordEnvs
	if cfg.Signing.PasswordEnv != "" {
		envs = append([]string{cfg.Signing.PasswordEnv}, envs...)
	}
	s, err := signing.LoadKeyFile(path, signing.PasswordFromEnv(o.Getenv, envs...))
	if err != nil {
		return nil, &usageErr{&inputerr.Error{Path: path, Msg: "cannot sign with it", Err: err}}
	}
	return s, nil
}

// signAttestations signs the provenance and the SBOM (wrapped in an in-toto
// statement about the same image) as DSSE envelopes.
func signAttestations(ctx context.Context, res *Result, cfg *config.Config, s signing.Signer) error {
	if s == nil {
		return nil
	}
	env, err := signing.SignStatement(ctx, s, res.Provenance)
	if err != nil {
		return fmt.Errorf("sign provenance: %w", err)
	}
	res.Signed = append(res.Signed, publish.Signed{PredicateType: attest.SLSAPredicateType, Envelope: env, FileName: "provenance.dsse.json"})
	if res.SBOM == nil {
		return nil
	}
	st, err := attest.Statement(cfg.Service, res.Digest, attest.CycloneDXPredicateType, res.SBOM)
	if err != nil {
		return err
	}
	env, err = signing.SignStatement(ctx, s, st)
	if err != nil {
		return fmt.Errorf("sign sbom: %w", err)
	}
	res.Signed = append(res.Signed, publish.Signed{PredicateType: attest.CycloneDXPredicateType, Envelope: env, FileName: "sbom.dsse.json"})
	return nil
}
