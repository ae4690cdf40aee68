// Package testproc handles the processes that test rigs start and stop:
// it makes the test process the reaper of what its rigs leave behind
// (PR_SET_CHILD_SUBREAPER), tells when a killed process has really exited
// (every thread gone, not merely a zombie leader), finds who holds a port,
// and at the end of a test binary stops and reaps every descendant still
// there. Rigs wait on these conditions, never on sleeps. It is imported
// only by tests and test rigs (internal/kubetest, internal/promtest, e2e).
package testproc

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// BecomeSubreaper makes this process the reaper of its orphaned
// descendants (PR_SET_CHILD_SUBREAPER): the cluster components that
// kwokctl starts and leaves behind become this process's children instead
// of PID 1's, so the rig can wait for them properly and reap them itself
// (PID 1 on these machines reaps late, leaving zombies). Main calls it.
func BecomeSubreaper() error {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
}

// procStat is what /proc/<pid>/stat says of a process: its state letter
// and its parent's pid. ok is false when there is no such process.
func procStat(pid int) (state byte, ppid int, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	// "pid (comm) S ppid ...": comm may hold spaces and parentheses.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 || len(f[0]) != 1 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	return f[0][0], ppid, true
}

// Exited reports whether pid has fully exited: there is no such process,
// or it is a zombie none of whose threads still runs. The thread-group
// leader of a multi-threaded program shows state Z as soon as it exits
// while its other threads are still tearing down and still hold the
// process's files — its listening sockets among them — so a Z alone does
// not mean "gone".
func Exited(pid int) bool {
	state, _, ok := procStat(pid)
	if !ok {
		return true
	}
	if state != 'Z' && state != 'X' {
		return false
	}
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return true // reaped between the two reads
	}
	for _, task := range tasks {
		tid, _ := strconv.Atoi(task.Name())
		if tid == pid {
			continue
		}
		if st, _, ok := procStat(tid); ok && st != 'Z' && st != 'X' {
			return false
		}
	}
	return true
}

// WaitExited waits up to limit for pid to have fully exited (Exited) and
// reaps it when it is this process's child, so that no zombie is left.
func WaitExited(pid int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for !Exited(pid) {
		if time.Now().After(deadline) {
			state, _, _ := procStat(pid)
			return fmt.Errorf("pid %d still running after %s (state %c)", pid, limit, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
	reap(pid)
	return nil
}

// reap collects pid's exit status when pid is a zombie child of this
// process (adopted through BecomeSubreaper). It never blocks, and leaves
// alone processes this process did not adopt: os/exec waits for its own.
func reap(pid int) {
	if state, ppid, ok := procStat(pid); !ok || state != 'Z' || ppid != os.Getpid() {
		return
	}
	var ws unix.WaitStatus
	_, _ = unix.Wait4(pid, &ws, unix.WNOHANG, nil)
}

// Kill sends sig to pid and waits (up to limit) until it has fully exited
// and is reaped. A pid that is already gone is not an error.
func Kill(pid int, sig unix.Signal, limit time.Duration) error {
	if err := unix.Kill(pid, sig); err != nil && !errors.Is(err, unix.ESRCH) {
		return fmt.Errorf("kill %d: %w", pid, err)
	}
	return WaitExited(pid, limit)
}
