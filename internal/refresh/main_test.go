package refresh

import (
	"os"
	"testing"

	"pinwheel.dev/pinwheel/internal/testproc"
)

// The re-lock tests run a stand-in lock tool; testproc reaps and reports
// any process they leave.
func TestMain(m *testing.M) { os.Exit(testproc.Run(m)) }
