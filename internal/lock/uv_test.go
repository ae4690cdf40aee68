package lock

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestParseUVGolden(t *testing.T) {
	runTOMLGolden(t, "uv", "[[package]]")
}

// TestHashSameAcrossFormats: one resolution written by uv as uv.lock and
// exported as pylock.toml (same artifacts and hashes) must hash alike.
func TestHashSameAcrossFormats(t *testing.T) {
	dir := filepath.Join("testdata", "crossformat", "service")
	uv, err := ParseFile(filepath.Join(dir, "uv.lock"))
	if err != nil {
		t.Fatal(err)
	}
	py, err := ParseFile(filepath.Join(dir, "pylock.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(uv.Packages) != len(py.Packages) {
		t.Fatalf("uv.lock has %d packages, pylock.toml %d", len(uv.Packages), len(py.Packages))
	}
	if a, b := Hash(uv), Hash(py); a != b {
		t.Errorf("Hash(uv.lock) = %s, Hash(pylock.toml) = %s", a, b)
	}
	// A changed artifact hash in one of them must change its hash.
	py.Packages[1].Artifacts[0].Hashes["sha256"] = strings.Repeat("0", 64)
	if Hash(uv) == Hash(py) {
		t.Error("Hash ignores an artifact's sha256")
	}
}
