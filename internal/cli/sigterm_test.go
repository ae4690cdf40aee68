package cli

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childArgsVar makes the test binary run the CLI as cmd/pinwheel's main
// does (SIGTERM and Ctrl-C cancel the command's context) with the
// newline-separated arguments it holds: a real process to signal.
const childArgsVar = "PW_CLI_CHILD_ARGS"

func childMain(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Execute(ctx, Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, args)
}

// files lists the regular files under dir.
func files(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// incoming is the size of the wheel cache's temporary file under cache
// (-1 when there is none).
func incoming(cache string) int64 {
	for _, f := range files(cache) {
		if strings.HasPrefix(filepath.Base(f), ".incoming-") {
			if st, err := os.Stat(f); err == nil {
				return st.Size()
			}
		}
	}
	return -1
}

// SIGTERM in the middle of a long read — `pinwheel build` copying a
// 15.9 GiB lock `path` artifact (sparse: it costs no disk to make) into
// the wheel cache — ends the process promptly with exit 2 (not a verdict) and the
// cancellation, and leaves no temporary file in the cache, $TMPDIR or the
// project.
func TestSIGTERMDuringALongReadLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a pinwheel process")
	}
	dir := copyHello(t)
	whl := filepath.Join(dir, "wheelhouse", "greetlib-1.0.0-py3-none-any.whl")
	if err := os.Truncate(whl, 15<<30+900<<20); err != nil {
		t.Fatal(err)
	}
	before := files(dir)
	cache, tmp := t.TempDir(), t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgsVar+"=build\n"+dir+"\n--cache-dir\n"+cache+"\n--output\noci:"+filepath.Join(tmp, "out"), "TMPDIR="+tmp)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Wait for the copy to be under way: the cache's temporary file past 64 MiB.
	for deadline := time.Now().Add(3 * time.Minute); incoming(cache) < 64<<20; time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("build ended before the signal: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no copy under way in the cache after 3 minutes:\n%s", stderr.String())
		}
	}
	cached := files(cache) // what the build cached before (the base's libc), and the temporary file
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	var err error
	select {
	case err = <-exited:
	case <-time.After(30 * time.Second): // the copy writes real zeros: do not let it fill the disk
		cmd.Process.Kill()
		t.Fatalf("still running 30 s after SIGTERM:\n%s", stderr.String())
	}
	took := time.Since(sent)
	t.Logf("exited %v after SIGTERM: %v; stderr: %s", took, err, stderr.String())
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != ExitUsage || stderr.String() != "pinwheel: build linux/amd64: context canceled\n" {
		t.Fatalf("exit %v, stderr:\n%s\nwant exit 2 (not a verdict) and the cancellation", err, stderr.String())
	}
	if took > 10*time.Second { // a hang, not slowness: the read alone takes minutes
		t.Errorf("took %v to end after SIGTERM", took)
	}
	if incoming(cache) != -1 {
		t.Errorf("the temporary file is left in the cache: %v", files(cache))
	}
	for _, f := range files(cache) {
		if !strings.Contains(strings.Join(cached, "\n"), f) {
			t.Errorf("new in the cache after SIGTERM: %s", f)
		}
	}
	if left := files(tmp); len(left) != 0 {
		t.Errorf("left in $TMPDIR: %v", left)
	}
	if after := files(dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("project files changed:\n%v\nwant\n%v", after, before)
	}
}
