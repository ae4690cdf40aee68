package cli

import (
	"errors"
	"fmt"
	"github.com/google/renameio/v2"
	"os"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/version"
)

type sbomFlags struct {
	format      string
	outputFile  string
	name        string
	version     string
	imageRef    string
	imageDigest string
	noDev       bool
	allGroups   bool
}

func newSBOMCommand(streams Streams) *cobra.Command {
	var f sbomFlags
	cmd := &cobra.Command{
		Use:   "sbom [PATH]",
		Short: "Write a CycloneDX or SPDX SBOM of a project's locked packages",
		Long: `sbom reads the project's lockfile (PATH is a lockfile or a directory to
search; default ".") and writes an SBOM of the packages pinwheel build installs
from it: the lock's production set plus the groups: and extras: of the
project's pinwheel.yaml (see "pinwheel lock inspect"), with purl, hashes,
source and the dependency graph where the lock records it. --all-groups lists
every locked package, those outside the production set with scope excluded.

Output is byte-identical for the same input: no timestamp unless
SOURCE_DATE_EPOCH is set, and a serial number derived from the content.`,
		Example: `  pinwheel sbom                          # CycloneDX 1.6 JSON on stdout
  pinwheel sbom -o spdx --output-file sbom.spdx.json
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) pinwheel sbom services/shop`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			return runSBOM(streams, path, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "output", "o", "cyclonedx", "SBOM format: cyclonedx (CycloneDX 1.6 JSON) or spdx (SPDX 2.3 JSON)")
	fl.StringVar(&f.outputFile, "output-file", "", "write the SBOM to this file (atomically) instead of stdout")
	fl.StringVar(&f.name, "name", "", "name of the root component (default: the project name in the lock, else the lockfile's directory)")
	fl.StringVar(&f.version, "version", "", "version of the root component")
	fl.StringVar(&f.imageRef, "image-ref", "", "image repository the SBOM describes (with --image-digest)")
	fl.BoolVar(&f.allGroups, "all-groups", false, "list every locked package, not just the production set (scope excluded/optional for the rest)")
	fl.BoolVar(&f.noDev, "no-dev", false, "the default now: list the production set only")
	_ = fl.MarkHidden("no-dev") // kept so scripts that pass it still run; it is the default
	fl.StringVar(&f.imageDigest, "image-digest", "", "image digest (sha256:…): describe the image instead of the project")
	return cmd
}

func runSBOM(streams Streams, path string, f sbomFlags) error {
	var render func(*lock.Lock, attest.Subject, ...attest.SBOMOption) ([]byte, error)
	switch f.format {
	case "cyclonedx", "cyclonedx-json", "cdx":
		render = attest.CycloneDX
	case "spdx", "spdx-json":
		render = attest.SPDX
	default:
		return usageError("unknown SBOM format %q (want cyclonedx or spdx)", f.format)
	}
	if f.imageRef != "" && f.imageDigest == "" {
		return usageError("--image-ref needs --image-digest (the SBOM describes an image only by its digest)")
	}
	opts := []attest.SBOMOption{attest.WithTool("pinwheel", version.Get().Version)}
	created, ok, err := attest.ParseSourceDateEpoch(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return usageError("%v", err)
	}
	if ok {
		opts = append(opts, attest.WithCreated(created))
	}
	lockPath, err := detectLock(path)
	if err != nil {
		if errors.Is(err, lock.ErrNoLockfile) || errors.Is(err, os.ErrNotExist) {
			return usageError("%v", err)
		}
		return err
	}
	l, err := lock.ParseFile(lockPath)
	if err != nil {
		return err
	}
	if !f.allGroups {
		sel, err := selectForProject(path, l)
		if err != nil {
			return err
		}
		opts = append(opts, attest.WithSelection(sel))
	}
	subject := attest.Subject{Name: f.name, Version: f.version, ImageRef: f.imageRef, ImageDigest: f.imageDigest}
	out, err := render(l, subject, opts...)
	if err != nil {
		return err
	}
	if f.outputFile == "" {
		_, err = streams.Out.Write(out)
		return err
	}
	return writeSBOMFile(f.outputFile, out)
}

// writeSBOMFile writes data to a temporary file beside path and renames it
// into place (renameio), so a failed run never leaves a half-written file.
func writeSBOMFile(path string, data []byte) error {
	if err := renameio.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
