package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

const clearScreen = "\x1b[H\x1b[2J"

// openPTY opens a pseudo-terminal pair: the controlling side to read what
// was drawn, the terminal side to hand to the command as stdout.
func openPTY(t *testing.T) (control, tty *os.File) {
	t.Helper()
	control, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(control.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pty number: %v", err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pty: %v", err)
	}
	t.Cleanup(func() { tty.Close(); control.Close() })
	return control, tty
}

// screen collects what the terminal shows and lets a test wait for it.
type screen struct {
	mu      sync.Mutex
	cond    *sync.Cond
	text    strings.Builder
	closed  bool
	readErr error
}

func readScreen(r io.Reader) *screen {
	s := &screen{}
	s.cond = sync.NewCond(&s.mu)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			s.mu.Lock()
			s.text.Write(buf[:n])
			if err != nil {
				s.closed, s.readErr = true, err
			}
			s.cond.Broadcast()
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return s
}

// waitFor blocks until the latest frame (the text after the last clear)
// satisfies ok, and returns it; after a generous 30s it fails the test
// rather than hanging (a liveness guard, not a timing assertion).
func (s *screen) waitFor(t *testing.T, what string, ok func(frame string) bool) string {
	t.Helper()
	gaveUp := false
	guard := time.AfterFunc(30*time.Second, func() {
		s.mu.Lock()
		gaveUp = true
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer guard.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		all := s.text.String()
		if i := strings.LastIndex(all, clearScreen); i >= 0 {
			// A frame is complete once the next clear began or it ends in a newline.
			if frame := all[i+len(clearScreen):]; strings.HasSuffix(frame, "\n") && ok(frame) {
				return frame
			}
		}
		if gaveUp {
			t.Fatalf("no frame with %s after 30s; the terminal showed:\n%s", what, all)
		}
		if s.closed {
			t.Fatalf("terminal closed (%v) before %s; it showed:\n%s", s.readErr, what, all)
		}
		s.cond.Wait()
	}
}

// TestStatusWatchRedrawsOnATerminal runs status --watch with a real
// pseudo-terminal as stdout: each frame starts by clearing the screen, and a
// change in the ledger shows up in a later frame without restarting.
func TestStatusWatchRedrawsOnATerminal(t *testing.T) {
	control, tty := openPTY(t)
	db := filepath.Join(t.TempDir(), "ledger.db")
	seedActiveRollout(t, db, "svc")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errb bytes.Buffer
	root := NewRootCommand(Streams{In: strings.NewReader(""), Out: tty, Err: &errb}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	root.SetArgs([]string{"status", "svc", "--ledger", db, "--watch", "--interval", "100ms"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	scr := readScreen(control)
	first := scr.waitFor(t, "the first frame", func(f string) bool { return strings.Contains(f, "service  svc") })
	if strings.Contains(first, "live     svc-1") {
		t.Fatalf("svc-1 shown live before it was:\n%s", first)
	}
	s, err := ledgerdb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetReleaseState(ctx, "svc-1", ledger.ReleaseLive, true); err != nil {
		t.Fatal(err)
	}
	s.Close()
	scr.waitFor(t, "a redraw showing svc-1 live", func(f string) bool { return strings.Contains(f, "live     svc-1") })

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("status --watch ended with %v (%s)", err, errb.String())
	}
	scr.mu.Lock()
	frames := strings.Count(scr.text.String(), clearScreen)
	scr.mu.Unlock()
	if frames < 2 {
		t.Fatalf("%d frames drawn, want at least 2", frames)
	}
}

// TestStatusWatchPrintsOnceWhenNotATerminal: piped output gets one plain
// frame, no escape codes, and the command returns.
func TestStatusWatchPrintsOnceWhenNotATerminal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	seedActiveRollout(t, db, "svc")
	code, out, errOut := runCheckCLI(t, "status", "svc", "--ledger", db, "--watch", "--interval", "100ms")
	if code != 0 || strings.Contains(out, "\x1b[") || strings.Count(out, "service  svc") != 1 {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errOut)
	}
}
