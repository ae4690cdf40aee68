package testproc

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// holder starts a python3 whose main thread (the thread-group leader)
// exits with SYS_exit while another thread keeps a listening socket open
// until stdin is closed: the leader shows state Z long before the process
// lets its port go. It returns the pid, the port and the stdin to close.
func holder(t *testing.T) (pid, port int, release func()) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is needed for this test")
	}
	const script = `
import ctypes, socket, sys, threading
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
def hold():
    sys.stdin.read()
threading.Thread(target=hold).start()
ctypes.CDLL(None).syscall(60, 0)  # SYS_exit: only the leader thread ends
`
	inR, inW, _ := os.Pipe()
	outR, outW, _ := os.Pipe()
	p, err := os.StartProcess(py, []string{"python3", "-c", script}, &os.ProcAttr{Files: []*os.File{inR, outW, os.Stderr}})
	if err != nil {
		t.Fatal(err)
	}
	inR.Close()
	outW.Close()
	line, err := bufio.NewReader(outR).ReadString('\n')
	outR.Close()
	if err != nil {
		t.Fatalf("python3 printed no port: %v", err)
	}
	port, _ = strconv.Atoi(strings.TrimSpace(line))
	var once bool
	release = func() {
		if !once {
			once = true
			inW.Close()
		}
	}
	t.Cleanup(func() { release(); _ = Kill(p.Pid, 9, 10*time.Second) })
	return p.Pid, port, release
}

func TestZombieLeaderWithLiveThreadIsNotExited(t *testing.T) {
	pid, port, release := holder(t)
	deadline := time.Now().Add(time.Minute)
	for {
		if st, _, _ := procStat(pid); st == 'Z' {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the leader thread never became a zombie")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if Exited(pid) {
		t.Fatal("Exited says a process whose leader is Z but whose other thread runs has exited")
	}
	if PortFree(port) {
		t.Fatalf("port %d free while the live thread holds it", port)
	}
	if h := PortHolder(port); !strings.Contains(h, "pid "+strconv.Itoa(pid)) {
		t.Errorf("PortHolder(%d) = %q, want pid %d", port, h, pid)
	}
	if err := WaitExited(pid, 200*time.Millisecond); err == nil {
		t.Fatal("WaitExited returned while a thread still runs")
	}
	release()
	if err := WaitExited(pid, time.Minute); err != nil {
		t.Fatal(err)
	}
	if !PortFree(port) {
		t.Errorf("port %d still taken once Exited: %s", port, PortHolder(port))
	}
	if _, _, ok := procStat(pid); ok {
		t.Errorf("pid %d not reaped by WaitExited", pid)
	}
}

func TestWaitPortFreeNamesTheHolder(t *testing.T) {
	pid, port, _ := holder(t)
	err := WaitPortFree(port, 100*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "pid "+strconv.Itoa(pid)+" (python3)") {
		t.Fatalf("WaitPortFree = %v, want it to name pid %d (python3)", err, pid)
	}
}

func TestSweepKillsAndReapsWhatIsLeft(t *testing.T) {
	if err := BecomeSubreaper(); err != nil {
		t.Fatal(err)
	}
	// A shell that leaves an orphan behind: the orphan comes to this
	// process (the subreaper), as kwokctl's cluster components do.
	cmd := exec.Command("sh", "-c", "sleep 300 & exit 0")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var orphans []Proc
		for _, p := range Descendants(os.Getpid()) {
			if p.Comm == "sleep" && p.PPID == os.Getpid() {
				orphans = append(orphans, p)
			}
		}
		if len(orphans) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the orphaned sleep was not adopted: %v", Descendants(os.Getpid()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	var report strings.Builder
	if n := Sweep(&report); n != 1 {
		t.Errorf("Sweep = %d still running, want 1 (the sleep); report:\n%s", n, report.String())
	}
	if !strings.Contains(report.String(), "sleep 300") {
		t.Errorf("report does not name the orphan: %q", report.String())
	}
	if d := Descendants(os.Getpid()); len(d) != 0 {
		t.Errorf("after Sweep: %v", d)
	}
}
