package local

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// A replica left running by a runtime that was SIGKILLed is stopped by the
// next runtime on the same state dir; an unrelated process with a pid file
// is left alone.
func TestNewReapsOrphanedReplicas(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	start := func(args ...string) *exec.Cmd {
		cmd := exec.Command("python3", append([]string{"-c", "import time; time.sleep(60)"}, args...)...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() })
		return cmd
	}
	orphan := start(filepath.Join(dir, "releases", "svc", "v1", "venv", "bin", "python3"))
	stranger := start("unrelated")
	os.MkdirAll(filepath.Join(dir, "pids"), 0o755)
	os.WriteFile(filepath.Join(dir, "pids", "v1-1.pid"), []byte(strconv.Itoa(orphan.Process.Pid)), 0o644)
	os.WriteFile(filepath.Join(dir, "pids", "x-1.pid"), []byte(strconv.Itoa(stranger.Process.Pid)), 0o644)

	rt, err := New(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	if err := orphan.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("orphan: %v, want killed", err)
	}
	if !processAlive(stranger.Process.Pid) {
		t.Error("an unrelated process was killed")
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "pids", "*")); len(files) != 0 {
		t.Errorf("pid files left: %v", files)
	}
}
