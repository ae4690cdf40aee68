// Package realnode_test is the end-to-end suite on the test cluster's real
// node (kubetest.NewRealNodeEnv): pinwheel's images run as real pods under
// containerd and runc, pulled by digest from a registry the tests serve,
// answer real traffic through a Service and kube-proxy, and are judged by
// pinwheel's controller on the request metrics a real Prometheus scrapes
// from them (pods found through the API server).
//
// It runs with PINWHEEL_KUBE_REAL_NODE=1, as root, after make kube-build
// (make test sets it as root); docs/kube-testing.md ("The real node").
package realnode_test

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"

	"pinwheel.dev/pinwheel/internal/kubetest"
)

// pinwheelBin is the binary under test, built once by TestMain; workDir
// holds it and the build cache the tests' builds share.
var pinwheelBin, workDir string

// registryHost is the registry (go-containerregistry's, on 127.0.0.1)
// the tests push their builds to and the node pulls them from.
var registryHost string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() || os.Getenv(kubetest.RealNodeVar) != "1" {
		// Every test here skips; no need to build pinwheel.
		kubetest.Main(m)
		return
	}
	var err error
	if workDir, err = os.MkdirTemp("", "pinwheel-realnode-bin-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(workDir)
		os.Exit(1)
	}
	root, err := kubetest.RepoRoot()
	if err != nil {
		fail(err)
	}
	pinwheelBin = filepath.Join(workDir, "pinwheel")
	build := exec.Command("go", "build", "-o", pinwheelBin, "./cmd/pinwheel")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fail(fmt.Errorf("build pinwheel: %v", err))
	}
	// containerd runs on the host, so it reaches a registry on loopback.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	srv := &http.Server{Handler: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	go srv.Serve(l)
	registryHost = l.Addr().String()
	kubetest.Main(m, func() { srv.Close(); os.RemoveAll(workDir) })
}
