package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

// pinwheel.yaml's runtime.memory, cpus and pids set the container
// replicas' cgroup limits, a flag wins over the file, and the limits reach
// the kernel: the replica's own cgroups hold them.
func TestUpAppliesRuntimeLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a real Debian-based image and runs it under runc")
	}
	requireRunc(t)
	ociRef, _ := debianHello(t)
	dir := copyHello(t)
	appendFile(t, filepath.Join(dir, "pinwheel.yaml"), "\nruntime:\n  memory: 300Mi\n  cpus: 0.5\n  pids: 64\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb upOutput
	codec := make(chan int, 1)
	go func() {
		codec <- Execute(ctx, Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, []string{"up", dir, "--pids", "100"})
	}()
	defer func() { cancel(); <-codec }()
	var c *local.Client
	for deadline := time.Now().Add(2 * time.Minute); c == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, _ = local.Dial(ctx, filepath.Join(dir, ".pinwheel"))
	}
	if c == nil {
		t.Fatalf("up never became reachable: %s %s", out.String(), errb.String())
	}
	const line = "limits       memory 300Mi, cpus 0.5, pids 100 per container replica"
	for deadline := time.Now().Add(time.Minute); !strings.Contains(out.String(), line) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out.String(), line) {
		t.Errorf("up does not say the limits (%q): %q", line, out.String())
	}
	layout := strings.TrimPrefix(ociRef, "oci:")
	_, digest, err := deploy.ReadLayout(layout, "")
	if err != nil {
		t.Fatal(err)
	}
	rel := &runtime.Release{ID: "v1", Artifact: runtime.Artifact{Layout: layout, Digest: digest}}
	if err := c.Apply(ctx, runtime.Desired{Service: "hello", Stable: rel, Replicas: 1, ReadinessPath: "/"}); err != nil {
		t.Fatal(err)
	}
	pid := 0
	for deadline := time.Now().Add(2 * time.Minute); pid == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		o, err := c.Observe(ctx, "hello")
		if r, ok := o.Releases["v1"]; err == nil && ok && len(r.Replicas) > 0 && r.Mode == runtime.ModeContainer {
			pid = r.Replicas[0].PID
		}
	}
	if pid == 0 {
		t.Fatalf("no container replica of v1 came up: %s %s", out.String(), errb.String())
	}
	for _, tc := range []struct{ controller, v1, v2, want string }{
		{"memory", "memory.limit_in_bytes", "memory.max", strconv.Itoa(300 << 20)},
		{"pids", "pids.max", "pids.max", "100"},
		{"cpu", "cpu.cfs_quota_us", "cpu.max", "50000"},
	} {
		if got := cgroupValue(t, pid, tc.controller, tc.v1, tc.v2); got != tc.want {
			t.Errorf("replica pid %d: %s is %q, want %q", pid, tc.controller, got, tc.want)
		}
	}
}

// A bad limit in pinwheel.yaml stops up at its line with exit 2, before
// anything runs.
func TestUpBadLimitInPinwheelYAML(t *testing.T) {
	dir := copyHello(t)
	appendFile(t, filepath.Join(dir, "pinwheel.yaml"), "\nruntime:\n  cpus: half\n")
	b, _ := os.ReadFile(filepath.Join(dir, "pinwheel.yaml"))
	want := fmt.Sprintf("pinwheel.yaml:%d:9: runtime.cpus: expected a number of CPUs", strings.Count(string(b), "\n"))
	code, _, stderr := runPinwheel(t, "up", dir)
	if code != ExitUsage || !strings.Contains(stderr, want) {
		t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, want)
	}
	if _, err := os.Stat(filepath.Join(dir, ".pinwheel", local.StateFileName)); !os.IsNotExist(err) {
		t.Errorf("up started anyway: %v", err)
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// cgroupValue reads the first field of a cgroup file of process pid: the
// v1 file of controller's hierarchy, else the v2 file of the unified one.
func cgroupValue(t *testing.T, pid int, controller, v1, v2 string) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		t.Fatal(err)
	}
	var file string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(l, ":", 3)
		if len(parts) != 3 {
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == controller {
				file = filepath.Join("/sys/fs/cgroup", parts[1], parts[2], v1)
			}
		}
		if parts[0] == "0" && parts[1] == "" && file == "" {
			file = filepath.Join("/sys/fs/cgroup", parts[2], v2)
		}
	}
	v, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("cgroup %s of pid %d: %v", controller, pid, err)
	}
	return strings.Fields(string(v))[0]
}
