package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/signing"
	"pinwheel.dev/pinwheel/internal/verify"
)

type verifyFlags struct {
	key, project, output     string
	builderID, commit, lockH string
}

func newVerifyCommand(streams Streams) *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify IMAGE",
		Short: "Verify an image's signed provenance and SBOM",
		Long: `verify checks the signed attestations pinwheel build --sign-key attached to
IMAGE (REGISTRY/REPO[:TAG|@sha256:…] or oci:PATH[@sha256:…]), stored as
cosign stores them (the sha256-<hex>.att image): every DSSE envelope must
verify with --key, every statement must be about IMAGE's digest, and the
SLSA provenance must name the builder (default pinwheel's) and, when asked,
the source commit and lock hash.

--project DIR takes the key from DIR's pinwheel.yaml (signing.publicKey)
and requires the lock hash of DIR's lock. Exit 0 verified, 1 does not
verify, 2 bad input (reference, key file, flags).`,
		Example: `  pinwheel verify registry.example/shop@sha256:… --key cosign.pub
  pinwheel verify oci:out/shop --key signing/pinwheel.pub --source-commit $(git rev-parse HEAD)
  pinwheel verify registry.example/shop:1.4.0 --project . -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.output != "text" && f.output != "json" {
				return usageError("unknown output format %q (want text or json)", f.output)
			}
			p, err := verifyPolicy(f)
			if err != nil {
				return err
			}
			r, err := verify.Image(cmd.Context(), args[0], p)
			if verify.IsInput(err) {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if err != nil {
				return err
			}
			if f.output == "json" {
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(r); err != nil {
					return err
				}
			} else {
				_, _ = streams.Out.Write([]byte(r.Text()))
			}
			if !r.Verified {
				return &ExitError{Code: ExitNo}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.key, "key", "", "PEM public key the signatures must verify with (ECDSA P-256 or ed25519; cosign.pub works)")
	fl.StringVar(&f.project, "project", "", "take the key (signing.publicKey) and the required lock hash from this project directory")
	fl.StringVar(&f.builderID, "builder-id", "", "builder id the provenance must name (default https://pinwheel.dev/builder)")
	fl.StringVar(&f.commit, "source-commit", "", "source commit the provenance must name")
	fl.StringVar(&f.lockH, "lock-hash", "", "lock hash (sha256:…) the provenance must name")
	fl.StringVarP(&f.output, "output", "o", "text", "result format: text or json")
	return cmd
}

// verifyPolicy assembles the policy from the flags (which win) and --project.
func verifyPolicy(f verifyFlags) (verify.Policy, error) {
	var p verify.Policy
	if f.project != "" {
		cfg, err := config.Load(f.project)
		if err != nil {
			return p, &ExitError{Code: ExitUsage, Err: err}
		}
		if p, err = verify.ProjectPolicy(cfg); err != nil {
			return p, &ExitError{Code: ExitUsage, Err: err}
		}
	}
	if f.key != "" {
		key, err := signing.LoadPublicKeyFile(f.key)
		if err != nil {
			return p, usageError("--key: %v", err)
		}
		p.Key = key
	}
	if p.Key == nil {
		return p, usageError("name the public key: --key FILE, or --project DIR whose pinwheel.yaml has signing.publicKey")
	}
	p.BuilderID = f.builderID
	if f.commit != "" {
		p.SourceCommit = f.commit
	}
	if f.lockH != "" {
		p.LockHash = f.lockH
	}
	return p, nil
}
