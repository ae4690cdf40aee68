package demo

import (
	"os"
	"testing"

	"pinwheel.dev/pinwheel/internal/testproc"
)

// TestMain reaps what the demo's replicas and containers leave (the test
// process is a subreaper) and fails the binary if any is still running.
func TestMain(m *testing.M) { os.Exit(testproc.Run(m)) }
