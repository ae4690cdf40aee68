package debian

import (
	"os"
	"testing"

	"pinwheel.dev/pinwheel/internal/debian/debiantest"
)

func requireDebian(t *testing.T, why string) {
	t.Helper()
	debiantest.Require(t, why)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
