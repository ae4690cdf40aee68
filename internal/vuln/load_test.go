package vuln

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// writeZip writes the JSON form of the testdata records into dir/rel as
// osv.dev's exports do (flat <ID>.json entries).
func writeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, src := range files {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestLoadLayouts(t *testing.T) {
	dir := t.TempDir()
	ghsa := "testdata/osv/ghsa/GHSA-j8r2-6x86-q33q.json"
	dsa := "testdata/osv/debian/DSA-3029-1.json"
	writeZip(t, filepath.Join(dir, "osvdev", "PyPI", "all.zip"), map[string]string{"GHSA-j8r2-6x86-q33q.json": ghsa})
	writeZip(t, filepath.Join(dir, "osvdev", "Debian", "all.zip"), map[string]string{"DSA-3029-1.json": dsa})
	writeZip(t, filepath.Join(dir, "scanner", "osv-scalibr", "PyPI", "all.zip"), map[string]string{"GHSA-j8r2-6x86-q33q.json": ghsa})
	for _, tt := range []struct {
		path string
		want int
	}{
		{filepath.Join(dir, "osvdev"), 2},
		{filepath.Join(dir, "osvdev", "PyPI", "all.zip"), 1},
		{filepath.Join(dir, "scanner"), 1},
		{"testdata/osv/pypa", 5}, // 6 records, one withdrawn
	} {
		db, err := Load(tt.path)
		if err != nil {
			t.Fatalf("Load(%s): %v", tt.path, err)
		}
		if db.Len() != tt.want {
			t.Errorf("Load(%s): %d records, want %d", tt.path, db.Len(), tt.want)
		}
	}
	db, _ := Load(filepath.Join(dir, "osvdev"))
	if got := db.Match(Package{"Debian:7", "nginx", "1.2.1-2.2"}); len(got) != 1 {
		t.Errorf("Debian zip: nginx matched %d records, want 1", len(got))
	}
}

func TestLoadBadRecordNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "vulns", "x", "PYSEC-0.yaml")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte("id: PYSEC-0\naffected:\n- package: {name: x, ecosystem: PyPI}\n  ranges: [[\n"), 0o644)
	_, err := Load(dir)
	if !inputerr.Is(err) || !strings.Contains(err.Error(), "PYSEC-0.yaml:") {
		t.Fatalf("err = %v, want an input error naming PYSEC-0.yaml:LINE", err)
	}
	os.WriteFile(bad, []byte("{\"id\": \"X\",\n \"affected\": [{\"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": []}]}]}"), 0o644)
	if _, err := Load(dir); !inputerr.Is(err) || !strings.Contains(err.Error(), "no events") {
		t.Fatalf("empty events: err = %v", err)
	}
	os.WriteFile(bad, []byte("{\"id\": \"X\",\n \"affected\": 7}"), 0o644)
	if _, err := Load(dir); !inputerr.Is(err) || !strings.Contains(err.Error(), "PYSEC-0.yaml:2") {
		t.Fatalf("wrong type: err = %v, want PYSEC-0.yaml:2", err)
	}
}

func FuzzParseRecord(f *testing.F) {
	for _, p := range []string{"testdata/osv/pypa/requests/PYSEC-2023-74.yaml", "testdata/osv/ghsa/GHSA-j8r2-6x86-q33q.json", "testdata/osv/debian/DSA-3029-1.json"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"id":"X","affected":[{"package":{"ecosystem":"PyPI","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"limit":"2"}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRecord("fuzz", data)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		for _, a := range r.Affected {
			if a.Package.Name != "" && !mentionsAny(data, map[string]bool{normalizeName(a.Package.Ecosystem, a.Package.Name): true}) {
				t.Fatalf("the ForPackages pre-scan misses package %q", a.Package.Name)
			}
		}
		db := NewDB()
		db.Add(r)
		for _, a := range r.Affected {
			for _, v := range append(a.Versions, "1.0", "1:2.3-4") {
				db.Match(Package{a.Package.Ecosystem, a.Package.Name, v})
			}
		}
		SeverityOf(r, nil)
	})
}

// TestForPackagesMatchesTheSame: the pre-scan changes what is parsed, not
// what matches.
func TestForPackagesMatchesTheSame(t *testing.T) {
	pkgs := []Package{{PyPI, "Requests", "2.30.0"}, {PyPI, "jinja2", "2.10"}, {PyPI, "py", "1.11.0"}, {"Debian:7", "nginx", "1.2.1-2.2"}}
	full := loadTestdata(t)
	some, err := Load("testdata/osv", ForPackages(pkgs))
	if err != nil {
		t.Fatal(err)
	}
	if some.Len() >= full.Len() {
		t.Errorf("ForPackages parsed %d of %d records; want fewer", some.Len(), full.Len())
	}
	for _, p := range pkgs {
		a, b := full.Match(p), some.Match(p)
		if len(a) == 0 || len(a) != len(b) {
			t.Errorf("%v: %d records without the filter, %d with it", p, len(a), len(b))
		}
	}
}

// TestZipIndexCache: the second load of a zip reads only the entries its
// index names, matches the same, and a changed zip is indexed again.
func TestZipIndexCache(t *testing.T) {
	dir := t.TempDir()
	zp := filepath.Join(dir, "PyPI", "all.zip")
	writeZip(t, zp, map[string]string{
		"GHSA-j8r2-6x86-q33q.json": "testdata/osv/ghsa/GHSA-j8r2-6x86-q33q.json",
		"DSA-3029-1.json":          "testdata/osv/debian/DSA-3029-1.json",
	})
	cache := filepath.Join(dir, "cache")
	req := []Package{{PyPI, "Requests", "2.30.0"}}
	for round := 0; round < 2; round++ {
		db, err := Load(zp, ForPackages(req), WithIndexCache(cache))
		if err != nil {
			t.Fatal(err)
		}
		if got := db.Match(Package{PyPI, "requests", "2.30.0"}); db.Len() != 1 || len(got) != 1 {
			t.Fatalf("round %d: %d records, %d matches; want 1 and 1", round, db.Len(), len(got))
		}
	}
	entries, _ := os.ReadDir(cache)
	if len(entries) != 1 {
		t.Fatalf("%d index files, want 1", len(entries))
	}
	// Replace the zip: the index of the old one must not be used.
	time.Sleep(10 * time.Millisecond)
	writeZip(t, zp, map[string]string{"GHSA-j8r2-6x86-q33q.json": "testdata/osv/ghsa/GHSA-j8r2-6x86-q33q.json",
		"PYSEC-2023-74.json": "testdata/osv/pypa/requests/PYSEC-2023-74.yaml"})
	os.Chtimes(zp, time.Now().Add(time.Hour), time.Now().Add(time.Hour))
	db, err := Load(zp, ForPackages(req), WithIndexCache(cache))
	if err != nil {
		t.Fatal(err)
	}
	if db.Len() != 2 {
		t.Errorf("after the zip changed: %d records, want 2 (indexed anew)", db.Len())
	}
}
