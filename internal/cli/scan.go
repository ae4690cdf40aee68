package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/safefs"
	"pinwheel.dev/pinwheel/internal/version"
	"pinwheel.dev/pinwheel/internal/vuln"
)

type scanFlags struct {
	db         string
	api        string
	cacheDir   string
	failOn     string
	ignoreFile string
	output     string
	image      string
	releases   bool
	ledger     string
	allGroups  bool
}

func newScanCommand(streams Streams) *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "scan [PATH]",
		Short: "Match OSV advisories against a lock, a project or a built image",
		Long: `scan matches OSV advisories against the packages of a lockfile or project
(PATH, default "."; the production set pinwheel build installs), or of a built
image (--image: its attached SBOM, else the dist-info and dpkg status in its
layers), or of the running releases the ledger records (--releases).

Advisories come from an offline database (--db: a directory of OSV JSON/YAML
records such as PyPA's advisory-database vulns/, osv.dev's <Ecosystem>/all.zip
exports, or osv-scanner's osv-scalibr/<Ecosystem>/all.zip layout) or from the
OSV API (--osv-api URL, records cached in --cache-dir).

Findings listed in the ignore file (.pinwheel-ignore.yaml in the project, or
--ignore-file) are reported as ignored until their expiry; an expired entry
is itself a finding.

Exit status: 0 when no finding reaches --fail-on, 1 when one does or an
ignore entry has expired, 2 on bad input.`,
		Example: `  pinwheel scan --db advisory-database/vulns
  pinwheel scan services/shop/uv.lock --db osv/ --fail-on high -o sarif > scan.sarif
  pinwheel scan --image oci:dist/shop --db osv/ -o cyclonedx-vex`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			return runScan(cmd.Context(), streams, path, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.db, "db", "", "offline OSV database: a directory of records or zips, or one .zip")
	fl.StringVar(&f.api, "osv-api", "", "OSV API base URL (querybatch + vulns/{id}), instead of --db")
	fl.StringVar(&f.cacheDir, "cache-dir", "", "cache directory: OSV API records (osv/) and indexes of zip exports (osv-index/); default the user cache dir's pinwheel/")
	fl.StringVar(&f.failOn, "fail-on", "any", "exit 1 when a finding reaches this severity: any, low, medium, high or critical")
	fl.StringVar(&f.ignoreFile, "ignore-file", "", "ignore file (default: .pinwheel-ignore.yaml in the project, when present)")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text, json, sarif or cyclonedx-vex")
	fl.StringVar(&f.image, "image", "", "scan a built image instead: oci:DIR, tar:FILE or a registry reference")
	fl.BoolVar(&f.releases, "releases", false, "scan the running releases the ledger records (live and rolling), by their images or lock snapshots")
	addLedgerFlag(fl, &f.ledger)
	fl.BoolVar(&f.allGroups, "all-groups", false, "scan every locked package, not only the production set")
	return cmd
}

func runScan(ctx context.Context, streams Streams, path string, f scanFlags) error {
	write, err := scanWriter(f.output)
	if err != nil {
		return err
	}
	threshold := vuln.Unknown
	if f.failOn != "any" {
		if threshold, err = vuln.ParseLevel(f.failOn); err != nil {
			return usageError("--fail-on: %v", err)
		}
	}
	var pkgs []vuln.Located
	target := path
	switch {
	case f.releases:
		target = "running releases"
		pkgs, err = releasePackages(ctx, f.ledger)
	case f.image != "":
		target = f.image
		pkgs, err = imagePackages(ctx, f.image)
	default:
		pkgs, err = lockPackages(path, f.allGroups)
	}
	if err != nil {
		return err
	}
	src, err := scanSource(f, pkgs)
	if err != nil {
		return err
	}
	ignores, err := scanIgnores(ctx, path, f)
	if err != nil {
		return err
	}
	rep, err := vuln.Run(ctx, src, []string{target}, pkgs, ignores, time.Now())
	if err != nil {
		return err
	}
	if err := write(streams, rep); err != nil {
		return err
	}
	if rep.Fails(threshold) {
		var parts []string
		if (vuln.Report{Findings: rep.Findings}).Fails(threshold) {
			parts = append(parts, "findings at or above --fail-on "+f.failOn)
		}
		if n := len(rep.ExpiredIgnores); n > 0 {
			parts = append(parts, fmt.Sprintf("%d expired ignore entries", n))
		}
		msg := "scan: " + strings.Join(parts, " and ")
		return &ExitError{Code: ExitNo, Err: errors.New(msg)}
	}
	return nil
}

func scanWriter(format string) (func(Streams, vuln.Report) error, error) {
	switch format {
	case "text":
		return func(s Streams, r vuln.Report) error { return vuln.WriteText(s.Out, r) }, nil
	case "json":
		return func(s Streams, r vuln.Report) error { return vuln.WriteJSON(s.Out, r) }, nil
	case "sarif":
		return func(s Streams, r vuln.Report) error { return vuln.WriteSARIF(s.Out, r, version.Get().Version) }, nil
	case "cyclonedx-vex", "vex":
		return func(s Streams, r vuln.Report) error { return vuln.WriteVEX(s.Out, r) }, nil
	}
	return nil, usageError("unknown output format %q (want text, json, sarif or cyclonedx-vex)", format)
}

func scanSource(f scanFlags, pkgs []vuln.Located) (vuln.Source, error) {
	cache := f.cacheDir
	if cache == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, usageError("--cache-dir: %v", err)
		}
		cache = filepath.Join(base, "pinwheel")
	}
	switch {
	case f.db != "" && f.api != "":
		return nil, usageError("--db and --osv-api: give one")
	case f.db != "":
		plain := make([]vuln.Package, len(pkgs))
		for i, p := range pkgs {
			plain[i] = p.Package
		}
		return vuln.Load(f.db, vuln.ForPackages(plain), vuln.WithIndexCache(filepath.Join(cache, "osv-index")))
	case f.api != "":
		return &vuln.API{BaseURL: f.api, CacheDir: filepath.Join(cache, "osv")}, nil
	}
	return nil, usageError("no advisory source: give --db DIR|ZIP or --osv-api URL")
}

func lockPackages(path string, all bool) ([]vuln.Located, error) {
	lockPath, err := detectLock(path)
	if err != nil {
		if errors.Is(err, lock.ErrNoLockfile) || errors.Is(err, os.ErrNotExist) {
			return nil, usageError("%v", err)
		}
		return nil, err
	}
	l, err := lock.ParseFile(lockPath)
	if err != nil {
		return nil, err
	}
	if all {
		return vuln.FromLock(l, nil), nil
	}
	sel, err := selectForProject(path, l)
	if err != nil {
		return nil, err
	}
	return vuln.FromLock(l, sel), nil
}

// scanIgnores reads --ignore-file, or the project's .pinwheel-ignore.yaml
// when there is one.
func scanIgnores(ctx context.Context, path string, f scanFlags) ([]vuln.Ignore, error) {
	file := f.ignoreFile
	if file == "" {
		dir := path
		if info, err := os.Stat(path); err == nil && !info.IsDir() {
			dir = filepath.Dir(path)
		}
		if f.image != "" {
			dir = "."
		}
		file = filepath.Join(dir, vuln.IgnoreFileName)
		if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	data, err := safefs.ReadFile(ctx, filepath.Dir(file), file, 0)
	if err != nil {
		return nil, &inputerr.Error{Path: file, Msg: "cannot read the ignore file", Err: err}
	}
	return vuln.ParseIgnoreFile(file, data)
}
