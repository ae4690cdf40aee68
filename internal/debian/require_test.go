package debian

import (
	"os"
	"testing"
)

// requireDebian skips, or fails under PINWHEEL_REQUIRE_DEBIAN=1 (as `make
// test` sets it), when the machine lacks what a real-Debian test needs.
func requireDebian(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("PINWHEEL_REQUIRE_DEBIAN") == "1" {
		t.Fatalf("PINWHEEL_REQUIRE_DEBIAN=1 but %s (run scripts/setup.sh as root)", why)
	}
	t.Skip(why)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
