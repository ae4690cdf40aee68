// Package realnode_test is the end-to-end suite on the test cluster's real
// node (kubetest.NewRealNodeEnv): pinwheel's images run as real pods under
// containerd and runc, pulled by digest from a registry the test serves,
// and answer real traffic through a Service and kube-proxy.
//
// It runs only with PINWHEEL_KUBE_REAL_NODE=1, as root, after make
// kube-build; docs/kube-testing.md ("The real node").
package realnode_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"pinwheel.dev/pinwheel/internal/kubetest"
)

// pinwheelBin is the binary under test, built once by TestMain.
var pinwheelBin string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() || os.Getenv(kubetest.RealNodeVar) != "1" {
		// Every test here skips; no need to build pinwheel.
		kubetest.Main(m)
		return
	}
	dir, err := os.MkdirTemp("", "pinwheel-realnode-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	root, err := kubetest.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pinwheelBin = filepath.Join(dir, "pinwheel")
	build := exec.Command("go", "build", "-o", pinwheelBin, "./cmd/pinwheel")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build pinwheel:", err)
		os.Exit(1)
	}
	kubetest.Main(m, func() { os.RemoveAll(dir) })
}
