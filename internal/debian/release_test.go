package debian

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realInRelease returns an InRelease file apt downloaded (apt-get update).
func realInRelease(t *testing.T) string {
	t.Helper()
	m, _ := filepath.Glob("/var/lib/apt/lists/*debian_dists_bookworm_InRelease")
	if len(m) == 0 || !fileExists(DefaultKeyring) {
		requireDebian(t, "no apt lists for bookworm or no "+DefaultKeyring)
	}
	return m[0]
}

func TestVerifyInReleaseReal(t *testing.T) {
	path := realInRelease(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text, err := VerifyInRelease(data, path, DefaultKeyring)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := ParseRelease(text, path)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Codename != "bookworm" {
		t.Errorf("codename = %q", rel.Codename)
	}
	if _, ok := rel.Files["main/binary-amd64/Packages"]; !ok {
		t.Errorf("no main/binary-amd64/Packages in the SHA256 section (%d files)", len(rel.Files))
	}
	if _, err := parseReleaseDate(rel.Date); err != nil {
		t.Errorf("date: %v", err)
	}

	// One changed byte in the signed text must fail verification.
	i := bytes.Index(data, []byte("Codename: bookworm"))
	tampered := bytes.Replace(data, []byte("Codename: bookworm"), []byte("Codename: bookwurm"), 1)
	if i < 0 {
		t.Fatal("no Codename line to tamper with")
	}
	if _, err := VerifyInRelease(tampered, path, DefaultKeyring); err == nil || !strings.Contains(err.Error(), "signature does not verify") {
		t.Errorf("tampered InRelease: err = %v, want a signature error", err)
	}
	if _, err := VerifyInRelease([]byte("Codename: x\n"), path, DefaultKeyring); err == nil {
		t.Error("unsigned data verified")
	}
}

func TestParseReleaseErrors(t *testing.T) {
	for name, in := range map[string]string{
		"no_sha256": "Suite: stable\n",
		"bad_line":  "Suite: stable\nSHA256:\n nothex 12 main/x\n",
		"two_paras": "Suite: a\nSHA256:\n " + strings.Repeat("a", 64) + " 1 x\n\nSuite: b\n",
		"bad_size":  "SHA256:\n " + strings.Repeat("a", 64) + " big x\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseRelease([]byte(in), "Release"); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
