package container

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// sleeperImage is an image holding only testdata/sleeper, built static
// with the Go toolchain at hand (nothing downloaded).
func sleeperImage(t *testing.T) v1.Image {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a program and runs it under runc")
	}
	if _, err := Detect(); err != nil {
		t.Skip(err.Error())
	}
	bin := filepath.Join(t.TempDir(), "sleeper")
	build := exec.Command("go", "build", "-o", bin, "./testdata/sleeper")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build sleeper: %v\n%s", err, out)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "sleeper", Mode: 0o755, Size: int64(len(b)), Typeflag: tar.TypeReg})
	tw.Write(b)
	tw.Close()
	// From an opener over the bytes: LayerFromReader buffers into a temp
	// file it never removes.
	data := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config.Entrypoint = []string{"/sleeper"}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSupervisedContainerLifecycle(t *testing.T) {
	img := sleeperImage(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pr, err := Prepare(ctx, img, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r, _ := Detect()
	r.Root = filepath.Join(t.TempDir(), "runc")
	bundles := t.TempDir()
	start := func(name string, env ...string) (*Container, *syncBuffer) {
		t.Helper()
		spec, err := pr.Spec(Process{Env: env}, Limits{Pids: 16, MemoryBytes: 64 << 20})
		if err != nil {
			t.Fatal(err)
		}
		out := &syncBuffer{}
		c, err := r.Start(spec, StartOptions{Name: name, BundleDir: bundles, Stdout: out, Stderr: out})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Delete)
		return c, out
	}

	// Started: its own namespaces, its output is ours; SIGTERM ends it.
	c, out := start("term")
	pid, err := c.PID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{"mnt", "pid"} {
		theirs, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/" + ns)
		ours, _ := os.Readlink("/proc/self/ns/" + ns)
		if theirs == "" || theirs == ours {
			t.Errorf("%s namespace %q, the test's %q", ns, theirs, ours)
		}
	}
	waitOutput(t, out, "sleeper pid 1\n")
	if ids, err := r.List(); err != nil || len(ids) != 1 || ids[0] != c.ID || !strings.HasPrefix(c.ID, "pinwheel-term-") {
		t.Fatalf("runc list = %v %v, want [%s]", ids, err, c.ID)
	}
	c.Stop(time.Minute)
	if code, err := c.Wait(); code != 0 || err != nil {
		t.Errorf("after SIGTERM: exit %d %v, want 0", code, err)
	}
	waitOutput(t, out, "sleeper got SIGTERM")
	c.Delete()
	if _, err := os.Stat(c.bundle); !os.IsNotExist(err) {
		t.Errorf("bundle left after Delete: %v", err)
	}

	// A process that ignores SIGTERM is killed after the grace period.
	c, out = start("ignore", "IGNORE_TERM=1")
	waitOutput(t, out, "sleeper pid 1\n")
	c.Stop(200 * time.Millisecond)
	if code, _ := c.Wait(); code != 128+int(syscall.SIGKILL) {
		t.Errorf("ignoring SIGTERM: exit %d, want %d", code, 128+int(syscall.SIGKILL))
	}

	// What a crashed supervisor leaves is deleted by Cleanup.
	c, out = start("stale")
	waitOutput(t, out, "sleeper pid 1\n")
	ids, err := r.Cleanup()
	if err != nil || len(ids) != 1 || ids[0] != c.ID {
		t.Fatalf("Cleanup = %v %v, want [%s]", ids, err, c.ID)
	}
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("the container still runs after Cleanup")
	}
	if ids, err := r.List(); err != nil || len(ids) != 0 {
		t.Errorf("runc list after Cleanup = %v %v", ids, err)
	}
	if _, err := (&Runc{Binary: r.Binary}).Cleanup(); err == nil {
		t.Error("Cleanup of runc's default state directory was not refused")
	}
}

func waitOutput(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(out.String(), want) {
			return
		}
	}
	t.Fatalf("output %q never held %q", out.String(), want)
}
