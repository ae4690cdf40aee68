package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/version"
)

func newBuildCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var (
		o          build.Options
		output     string
		ledgerPath string
	)
	cmd := &cobra.Command{
		Use:   "build [DIR]",
		Short: "Build a reproducible OCI image of the Python service in DIR",
		Long: `build turns DIR (default ".") — pinwheel.yaml, its lockfile and the app
files — into an OCI image without a Docker daemon: the base image pinned by
digest, one dependencies layer (the lock's wheels, verified by sha256,
installed into a virtual environment at /opt/pinwheel/venv), one app layer
and one build-info layer. The same commit, lock and config give the same
digest on any machine. SLSA provenance and a CycloneDX SBOM are attached to
every output; with --sign-key (or pinwheel.yaml's signing.key) both are
also signed, as cosign stores attestations (see pinwheel verify).

Outputs (repeatable): REGISTRY/REPO[:TAG] pushes with your Docker config
credentials, oci:PATH writes an OCI image layout, tar:PATH a tarball for
docker load / podman load. Without --output the image is built and its
digest printed.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Dir = args[0]
			}
			if output != "text" && output != "json" {
				if strings.ContainsAny(output, ":/") {
					return usageError("unknown output format %q (want text or json): -o picks the result format; to write the image there use --output %s", output, output)
				}
				return usageError("unknown output format %q (want text or json)", output)
			}
			o.Logger, o.Progress = logger, streams.Err
			o.BuilderVersion = version.Get().Version
			store, err := openBuildLedger(cmd.Context(), ledgerPath, o.Dir)
			if err != nil {
				return err
			}
			if store != nil {
				defer store.Close()
				o.Ledger = store
			}
			res, err := build.Run(cmd.Context(), o)
			if build.IsUsage(err) {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if err != nil {
				return err
			}
			if output == "json" {
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			printBuild(streams, res)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.Outputs, "output", nil, "where to put the image: REGISTRY/REPO[:TAG], oci:PATH or tar:PATH (repeatable)")
	f.StringArrayVar(&o.Platforms, "platform", nil, "target platform, e.g. linux/arm64 (repeatable; default: the config's platforms)")
	f.StringVar(&o.RunID, "run-id", "", "CI run id to record (default: detected from the CI environment)")
	addWheelSourceFlags(f, &o)
	f.BoolVar(&o.RebuildSources, "rebuild-sources", false, "build each wheel made from source twice, uncached, and report whether the bytes are identical")
	f.BoolVar(&o.AllowUnhashed, "allow-unhashed", false, "install wheels the lock gives no sha256 for (marks the build non-reproducible)")
	f.StringVar(&o.DepsDir, "deps-dir", "", "use this directory tree as the dependencies layer instead of installing the lock")
	f.StringVar(&ledgerPath, "ledger", "", "record the build (succeeded or failed) in this ledger: a SQLite file or a postgres:// URL (default: $PINWHEEL_LEDGER, else ledger: in pinwheel.yaml, else DIR/.pinwheel/ledger.db when it exists)")
	f.StringVar(&o.SignKey, "sign-key", "", "sign the provenance and SBOM with this private key file (PEM: ECDSA P-256 or ed25519, or a cosign key; its password from $PINWHEEL_SIGNING_PASSWORD or $COSIGN_PASSWORD); default pinwheel.yaml's signing.key")
	f.StringVarP(&output, "format", "o", "text", "result format: text or json")
	return cmd
}

// addWheelSourceFlags adds the flags saying where wheels come from and
// where they are cached (build and verify-reproducible share them).
func addWheelSourceFlags(f *pflag.FlagSet, o *build.Options) {
	f.StringArrayVar(&o.FindLinks, "find-links", nil, "directory of wheels (a wheelhouse; repeatable); without --index-url no index is used (air-gapped)")
	f.StringVar(&o.IndexURL, "index-url", "", "package index (PEP 691/503 simple API); default https://pypi.org/simple/")
	f.StringArrayVar(&o.ExtraIndexURLs, "extra-index-url", nil, "additional package index (repeatable)")
	f.StringVar(&o.BuildBase, "build-base", "", "Debian base lock that source builds run in: the runtime base's packages plus compilers and headers (default: the runtime base)")
	f.StringVar(&o.BuildLock, "build-lock", "", "lock of build requirements for source builds (a requirements file with --hash lines), searched after the project's lock")
	f.StringVar(&o.CacheDir, "cache-dir", "", "wheel and layer cache (default: the user cache dir/pinwheel)")
}

// openBuildLedger opens --ledger, else the ledger PINWHEEL_LEDGER or the
// project's pinwheel.yaml names, else the project's .pinwheel/ledger.db
// when it exists; with none, builds are not recorded (nil store).
func openBuildLedger(ctx context.Context, path, dir string) (ledger.Store, error) {
	if path == "" {
		if dir == "" {
			dir = "."
		}
		path = deploy.LedgerPath("", dir)
		if _, err := os.Stat(path); err != nil && !ledgerdb.IsShared(path) {
			return nil, nil
		}
	}
	store, err := ledgerdb.Open(ctx, path)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("--ledger %s: %w", ledgerdb.Display(path), err)}
	}
	return store, nil
}

func printBuild(streams Streams, res *build.Result) {
	w := streams.Out
	bi := res.BuildInfo
	fmt.Fprintf(w, "built %s %s in %dms\n", bi.Service, bi.Version, bi.DurationMS)
	fmt.Fprintf(w, "  base     %s\n", bi.BaseDigest)
	if bi.LockHash != "" {
		fmt.Fprintf(w, "  lock     %s (%s)\n", bi.LockHash, bi.LockFormat)
	}
	if bi.GitCommit != "" {
		dirty := ""
		if bi.GitDirty {
			dirty = " (dirty)"
		}
		fmt.Fprintf(w, "  commit   %s%s\n", bi.GitCommit, dirty)
	}
	if bi.CIRunID != "" {
		// Not an image label (it would change the digest on every CI run);
		// it is in the build result, the provenance and the ledger.
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  ci run   %s %s %s", bi.CIProvider, bi.CIRunID, bi.CIRunURL), " "))
	}
	if !bi.Reproducible {
		fmt.Fprintf(w, "  NOT reproducible: unhashed wheels were installed (--allow-unhashed)\n")
	}
	for _, p := range res.Platforms {
		fmt.Fprintf(w, "  %s %s\n", p.Platform, p.Digest)
		if p.Libc != "" {
			fmt.Fprintf(w, "    wheels for %s\n", p.Libc)
		}
		for _, l := range p.Layers {
			hit := ""
			if l.CacheHit {
				hit = " (cached)"
			}
			fmt.Fprintf(w, "    %-13s %s %8d B%s\n", l.Name, l.Digest, l.Size, hit)
		}
		for _, b := range p.SourceBuilds {
			fmt.Fprintf(w, "    built from source: %s → %s sha256:%s (%s, %.1fs%s)\n", b.Source, b.Wheel, b.SHA256, b.Backend, b.Seconds, rebuildNote(b))
		}
	}
	for _, o := range res.Outputs {
		fmt.Fprintf(w, "  output   %s\n", o.Ref)
		for _, a := range o.Attachments {
			fmt.Fprintf(w, "    %-5s %s\n", a.Kind, a.Ref)
		}
	}
	fmt.Fprintln(w, res.Digest)
}

func rebuildNote(b build.SourceBuildResult) string {
	switch {
	case b.CacheHit:
		return ", cached"
	case b.Identical == nil:
		return ""
	case *b.Identical:
		return ", rebuilt byte-identical"
	}
	return ", rebuilt: NOT byte-identical"
}
