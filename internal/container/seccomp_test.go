package container

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A process in a container runs under a seccomp filter that refuses what
// the default profile refuses (keyctl: EPERM), where the same program on
// the host is unconfined (seccomp 0, keyctl allowed).
func TestContainerRunsUnderTheDefaultSeccompProfile(t *testing.T) {
	img := sleeperImage(t)
	r, _ := Detect()
	r.Root = filepath.Join(t.TempDir(), "runc")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	res, err := r.Run(ctx, img, Options{Process: Process{Env: []string{"PROBE_SECCOMP=1"}}, CacheDir: t.TempDir(), Stdout: &out, Stderr: &out})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("run: exit %d %v\n%s", res.ExitCode, err, out.String())
	}
	got := out.String()
	if !strings.Contains(got, "seccomp 2\n") {
		t.Errorf("the container's process has no seccomp filter (want Seccomp: 2):\n%s", got)
	}
	if !strings.Contains(got, "keyctl errno 1\n") { // EPERM
		t.Errorf("keyctl was not refused with EPERM inside the container:\n%s", got)
	}
}
