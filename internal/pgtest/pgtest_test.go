package pgtest

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/testproc"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// The cluster serves databases of their own to each test, runs as an
// unprivileged user when the tests run as root, and its teardown leaves
// neither the server nor its directory behind; the next test that asks
// gets a new cluster.
func TestClusterLifecycle(t *testing.T) {
	c := Start(t)
	a, b := Database(t), Database(t)
	if a == b || !strings.Contains(a, "127.0.0.1:"+strconv.Itoa(c.Port)) {
		t.Fatalf("databases %s and %s on port %d", a, b, c.Port)
	}
	pid := c.cmd.Process.Pid
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	uid := ""
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "Uid:") {
			uid = strings.Fields(line)[1]
		}
	}
	if os.Geteuid() == 0 && uid == "0" {
		t.Fatalf("postgres (pid %d) runs as root", pid)
	}
	dir := c.Dir
	Stop()
	if !testproc.Exited(pid) {
		t.Fatalf("postgres (pid %d) still running after the teardown", pid)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("cluster directory %s left behind: %v", dir, err)
	}
	again := Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := again.exec(ctx, "SELECT 1"); err != nil || again.Dir == dir {
		t.Fatalf("the next cluster: %v (dir %s)", err, again.Dir)
	}
}
