package testproc

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Run is a TestMain body for packages whose rigs start processes: it makes
// the test process a subreaper, runs the tests, calls stop (the rigs'
// teardown, e.g. deleting a cluster), then sweeps: every descendant still
// running is reported, killed and reaped, and every zombie reaped. A
// process still running after the rigs' teardown is a rig that leaks, so
// it fails the test binary (exit 1) even when every test passed.
//
// An interrupted run (SIGINT from Ctrl-C, SIGTERM from a CI runner or a
// timeout) tears down and sweeps the same way before it exits, so the rigs'
// daemons do not outlive it as orphans of PID 1.
func Run(m *testing.M, stop ...func()) int {
	if err := BecomeSubreaper(); err != nil {
		fmt.Fprintf(os.Stderr, "testproc: PR_SET_CHILD_SUBREAPER: %v (orphans go to PID 1)\n", err)
	}
	var once sync.Once
	down := func() int {
		left := 0
		once.Do(func() {
			for _, s := range stop {
				s()
			}
			left = Sweep(os.Stderr)
		})
		return left
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, unix.SIGINT, unix.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		sig := <-sigs
		fmt.Fprintf(os.Stderr, "testproc: %v: tearing the test rigs down before exiting\n", sig)
		down()
		os.Exit(128 + int(sig.(unix.Signal)))
	}()
	code := m.Run()
	if left := down(); left > 0 && code == 0 {
		code = 1
	}
	return code
}

// Proc is one process as /proc shows it.
type Proc struct {
	PID   int
	PPID  int
	State byte
	Comm  string
	Args  string
}

func (p Proc) String() string {
	return fmt.Sprintf("pid %d (%s, state %c): %s", p.PID, p.Comm, p.State, p.Args)
}

// Descendants lists the processes below pid (children, their children…),
// zombies included, parents before children.
func Descendants(pid int) []Proc {
	all := map[int][]Proc{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		n, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		state, ppid, ok := procStat(n)
		if !ok {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join(d, "comm"))
		args, _ := os.ReadFile(filepath.Join(d, "cmdline"))
		a := strings.TrimSpace(strings.ReplaceAll(string(args), "\x00", " "))
		if len(a) > 200 {
			a = a[:200] + "…"
		}
		all[ppid] = append(all[ppid], Proc{PID: n, PPID: ppid, State: state, Comm: strings.TrimSpace(string(comm)), Args: a})
	}
	var out []Proc
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		kids := all[p]
		sort.Slice(kids, func(i, j int) bool { return kids[i].PID < kids[j].PID })
		for _, k := range kids {
			out = append(out, k)
			queue = append(queue, k.PID)
		}
	}
	return out
}

// Sweep kills (SIGKILL) every descendant of this process that still runs,
// reporting each to w, waits for them and reaps every zombie child. It
// returns how many were still running. Call it only when no test runs any
// more: it reaps children that os/exec would otherwise wait for.
func Sweep(w io.Writer) int {
	running := 0
	for _, p := range Descendants(os.Getpid()) {
		if p.State == 'Z' || p.State == 'X' {
			continue
		}
		running++
		fmt.Fprintf(w, "testproc: left running by the tests, killed: %s\n", p)
		_ = unix.Kill(p.PID, unix.SIGKILL)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if err != nil { // ECHILD: no children left
			return running
		}
		if pid == 0 { // children that have not exited yet
			if time.Now().After(deadline) {
				for _, p := range Descendants(os.Getpid()) {
					fmt.Fprintf(w, "testproc: still there after SIGKILL: %s\n", p)
				}
				return running
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}
