package local

import (
	"os"
	"testing"

	"pinwheel.dev/pinwheel/internal/testproc"
)

// TestMain makes the test process a subreaper (replicas and the `runc run`
// processes of containers come back to it) and fails the binary if any is
// left running after the tests; it removes the image built once for the
// container tests.
func TestMain(m *testing.M) {
	os.Exit(testproc.Run(m, func() {
		for _, d := range testDirs {
			os.RemoveAll(d)
		}
	}))
}
