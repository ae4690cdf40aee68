// Package local_test is the end-to-end suite of the embedded local runtime:
// the pinwheel binary (built once in TestMain), `pinwheel up` hosting real
// replicas of examples/shop (OCI containers of its Debian-based image under
// runc, as root) behind the real proxy, `pinwheel deploy`
// processes driving rollouts against a real SQLite ledger, and a load
// generator through the proxy the whole time.
package local_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"pinwheel.dev/pinwheel/internal/testproc"
)

// pinwheelBin is the binary under test.
var pinwheelBin string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("skipping the local e2e suite under -short")
		os.Exit(0)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		fmt.Println("skipping the local e2e suite: python3 is not installed")
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "pinwheel-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pinwheelBin = filepath.Join(dir, "pinwheel")
	build := exec.Command("go", "build", "-o", pinwheelBin, "./cmd/pinwheel")
	build.Dir = repoRoot()
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build pinwheel:", err)
		os.Exit(1)
	}
	// A subreaper: replicas of a SIGKILLed `pinwheel up` come to this
	// process, which reaps them; anything still running at the end fails
	// the suite.
	os.Exit(testproc.Run(m, func() { os.RemoveAll(dir) }))
}

func repoRoot() string {
	wd, _ := os.Getwd()
	return filepath.Join(wd, "..", "..", "..")
}
