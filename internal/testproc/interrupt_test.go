package testproc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv names the directory TestInterruptedRunTearsDownItsRigs gives
// the copy of this test binary it interrupts.
const helperEnv = "TESTPROC_INTERRUPT_HELPER"

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		os.Exit(Run(m, func() { os.WriteFile(filepath.Join(dir, "torn-down"), nil, 0o644) }))
	}
	os.Exit(m.Run())
}

// TestHelperRigThatNeverEnds is the interrupted run's test: it starts a
// daemon-like child (as kwokctl starts etcd) and waits. Outside that run
// it returns at once.
func TestHelperRigThatNeverEnds(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		return
	}
	sleep := exec.Command("sleep", "600")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "pid"), []byte(strconv.Itoa(sleep.Process.Pid)), 0o644)
	time.Sleep(10 * time.Minute)
}

// Ctrl-C (or a CI runner's SIGTERM) in the middle of a test run still runs
// the rigs' teardown and kills what they started: nothing is left to PID 1.
func TestInterruptedRunTearsDownItsRigs(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			run := exec.Command(os.Args[0], "-test.run=^TestHelperRigThatNeverEnds$", "-test.timeout=5m")
			run.Env = append(os.Environ(), helperEnv+"="+dir)
			var out strings.Builder
			run.Stdout, run.Stderr = &out, &out
			if err := run.Start(); err != nil {
				t.Fatal(err)
			}
			var child int
			for deadline := time.Now().Add(time.Minute); child == 0; {
				if b, err := os.ReadFile(filepath.Join(dir, "pid")); err == nil {
					child, _ = strconv.Atoi(string(b))
				} else if time.Now().After(deadline) {
					run.Process.Kill()
					run.Wait()
					t.Fatalf("the helper never started its child:\n%s", out.String())
				} else {
					time.Sleep(20 * time.Millisecond)
				}
			}
			run.Process.Signal(sig)
			err := run.Wait()
			if code := run.ProcessState.ExitCode(); code != 128+int(sig) {
				t.Errorf("interrupted run: %v, exit %d, want %d\n%s", err, code, 128+int(sig), out.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "torn-down")); err != nil {
				t.Errorf("the rigs' teardown did not run:\n%s", out.String())
			}
			if !Exited(child) {
				syscall.Kill(child, syscall.SIGKILL)
				t.Errorf("the rig's child %d outlived the interrupted run", child)
			}
			if !strings.Contains(out.String(), "tearing the test rigs down") {
				t.Errorf("the run does not say what it does on %v:\n%s", sig, out.String())
			}
		})
	}
}
