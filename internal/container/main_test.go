package container

import (
	"os"
	"testing"

	"pinwheel.dev/pinwheel/internal/testproc"
)

// TestMain reaps what the runc tests leave (the test process is a
// subreaper) and fails the binary if anything still runs afterwards.
func TestMain(m *testing.M) { os.Exit(testproc.Run(m)) }
