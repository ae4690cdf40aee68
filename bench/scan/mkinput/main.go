// Command mkinput builds the inputs of bench/scan from a checkout of PyPA's
// advisory-database: the offline database both scanners read
// (DIR/osv-scalibr/PyPI/all.zip, osv-scanner's local-db layout, JSON
// records converted from the YAML ones) and requirements.txt locks with
// hashes that pin packages to versions the records list, in three sizes.
//
//	go run ./bench/scan/mkinput ADVISORY_DB/vulns OUT
package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/vuln"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: mkinput ADVISORY_DB/vulns OUT")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "mkinput:", err)
		os.Exit(1)
	}
}

func run(vulns, out string) error {
	var files []string
	filepath.WalkDir(vulns, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return err
	})
	sort.Strings(files)
	if err := os.MkdirAll(filepath.Join(out, "db", "osv-scalibr", "PyPI"), 0o755); err != nil {
		return err
	}
	zf, err := os.Create(filepath.Join(out, "db", "osv-scalibr", "PyPI", "all.zip"))
	if err != nil {
		return err
	}
	zw := zip.NewWriter(zf)
	versions := map[string]string{} // package → a listed version
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// pinwheel's parser reads the YAML; every field matching uses (id,
		// aliases, withdrawn, affected with ranges and versions, severity,
		// database_specific) goes into the JSON both tools read.
		rec, err := vuln.ParseRecord(p, data)
		if err != nil {
			return err
		}
		js, err := json.Marshal(rec)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		w, err := zw.Create(rec.ID + ".json")
		if err != nil {
			return err
		}
		w.Write(js)
		if rec.Withdrawn != "" {
			continue
		}
		pickVersion(rec, versions)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	zf.Close()
	names := make([]string, 0, len(versions))
	for n := range versions {
		names = append(names, n)
	}
	sort.Strings(names)
	locks := map[string][]string{"req-20.txt": names[:20], fmt.Sprintf("req-%d.txt", len(names)): names}
	big := append([]string(nil), names...)
	for i := 0; len(big) < 3000; i++ {
		n := fmt.Sprintf("clean-package-%04d", i)
		versions[n] = "1.0.0"
		big = append(big, n)
	}
	locks["req-3000.txt"] = big
	for file, ns := range locks {
		var b strings.Builder
		for _, n := range ns {
			fmt.Fprintf(&b, "%s==%s \\\n    --hash=sha256:%x\n", n, versions[n], sha256.Sum256([]byte(n+versions[n])))
		}
		if err := os.WriteFile(filepath.Join(out, file), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// pickVersion records, for each PyPI package of rec not seen yet, the
// middle of its versions list (a version the record says is affected),
// when it is a valid PEP 440 version (a few listed versions are not).
func pickVersion(rec *vuln.Record, versions map[string]string) {
	for _, a := range rec.Affected {
		name := pep.NormalizeName(a.Package.Name)
		if _, seen := versions[name]; seen || len(a.Versions) == 0 || a.Package.Ecosystem != "PyPI" {
			continue
		}
		v := a.Versions[len(a.Versions)/2]
		if pv, err := pep.ParseVersion(v); err == nil && pv.String() == v {
			versions[name] = v
		}
	}
}
