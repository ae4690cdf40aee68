package notify

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/crash"
)

// buggy is a destination whose delivery has a bug.
type buggy struct{}

func (buggy) Name() string { return "buggy" }
func (buggy) Notify(context.Context, Event) error {
	var seen map[string]bool
	seen["x"] = true // assignment to a nil map
	return nil
}

func TestMain(m *testing.M) {
	if os.Getenv("PW_NOTIFY_CRASH_CHILD") == "1" {
		a := Async(buggy{}, 1, nil)
		a.Notify(context.Background(), Event{Service: "shop"})
		time.Sleep(time.Minute) // the worker's panic must end the process first
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A panic on the async notifier's worker goroutine — not the caller's —
// ends the process with exit 3 and the internal-error report.
func TestAsyncWorkerPanicExitsThree(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PW_NOTIFY_CRASH_CHILD=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != crash.ExitBug {
		t.Fatalf("child: %v, want exit %d; stderr:\n%s", err, crash.ExitBug, stderr.String())
	}
	if s := stderr.String(); !strings.HasPrefix(s, "pinwheel: internal error: assignment to entry in nil map\n") ||
		!strings.Contains(s, "please report it") || !strings.Contains(s, "notify.(*AsyncNotifier).run") {
		t.Fatalf("stderr:\n%s", s)
	}
}
