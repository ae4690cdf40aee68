package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 0, maxSurge: 1}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: example.invalid/web@sha256:1111111111111111111111111111111111111111111111111111111111111111
`

// cluster is a running kube-up.sh cluster.
type cluster struct {
	kubeconfig string
	kubectl    string
}

func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "..")
}

// startCluster runs kube-up.sh with a cluster name and work dir of the
// test's own, and deletes the cluster when the test ends.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	root := repoRoot(t)
	env := append(os.Environ(),
		fmt.Sprintf("PINWHEEL_KUBE_CLUSTER=e2e-%d", os.Getpid()),
		"PINWHEEL_KUBE_WORKDIR="+t.TempDir(),
	)
	down := func() {
		cmd := exec.Command("bash", filepath.Join(root, "scripts/kube-down.sh"))
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("kube-down: %v\n%s", err, out)
		}
	}
	up := exec.Command("bash", filepath.Join(root, "scripts/kube-up.sh"))
	up.Env = env
	var stdout, stderr bytes.Buffer
	up.Stdout, up.Stderr = &stdout, &stderr
	start := time.Now()
	err := up.Run()
	t.Cleanup(down)
	if err != nil {
		t.Fatalf("kube-up: %v\n%s", err, stderr.String())
	}
	t.Logf("kube-up took %s:\n%s", time.Since(start).Round(time.Second), lastLines(stderr.String(), 3))
	lines := strings.Fields(stdout.String())
	if len(lines) == 0 {
		t.Fatalf("kube-up printed no kubeconfig path\n%s", stderr.String())
	}
	cache := os.Getenv("PINWHEEL_KUBE_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache/pinwheel/kube/v1.37.2")
	}
	return &cluster{kubeconfig: lines[len(lines)-1], kubectl: filepath.Join(cache, "kubectl")}
}

func (c *cluster) run(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(c.kubectl, append([]string{"--kubeconfig", c.kubeconfig}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(l[max(0, len(l)-n):], "\n")
}

func TestControlPlaneRollsOutDeployment(t *testing.T) {
	c := startCluster(t)

	var v struct {
		ClientVersion struct{ GitVersion string } `json:"clientVersion"`
		ServerVersion struct{ GitVersion string } `json:"serverVersion"`
	}
	if err := json.Unmarshal([]byte(c.run(t, "", "version", "-o", "json")), &v); err != nil {
		t.Fatalf("kubectl version -o json: %v", err)
	}
	if v.ClientVersion.GitVersion != "v1.37.2" || v.ServerVersion.GitVersion != "v1.37.2" {
		t.Fatalf("kubectl version = client %q server %q, want v1.37.2 both", v.ClientVersion.GitVersion, v.ServerVersion.GitVersion)
	}

	c.run(t, deployment, "apply", "-f", "-")
	t.Log(strings.TrimSpace(c.run(t, "", "rollout", "status", "deployment/web", "--timeout=3m")))
	assertPodsRunning(t, c, 3)

	// A template change rolls through a second ReplicaSet, as a promotion will.
	c.run(t, "", "set", "image", "deployment/web",
		"web=example.invalid/web@sha256:2222222222222222222222222222222222222222222222222222222222222222")
	c.run(t, "", "rollout", "status", "deployment/web", "--timeout=3m")
	rs := strings.Fields(c.run(t, "", "get", "rs", "-l", "app=web", "-o", "jsonpath={range .items[*]}{.status.replicas}{' '}{end}"))
	if strings.Join(rs, ",") != "3,0" && strings.Join(rs, ",") != "0,3" {
		t.Fatalf("ReplicaSet replicas after the update = %v, want one at 3 and one at 0", rs)
	}
	assertPodsRunning(t, c, 3)
	t.Logf("kubectl get rs:\n%s", c.run(t, "", "get", "rs", "-l", "app=web"))
}

func assertPodsRunning(t *testing.T, c *cluster, want int) {
	t.Helper()
	// Old pods may still be terminating right after a rollout; wait for the
	// count to settle (no timing assertion: the deadline only bounds the wait).
	deadline := time.Now().Add(2 * time.Minute)
	for {
		out := c.run(t, "", "get", "pods", "-l", "app=web", "-o",
			"jsonpath={range .items[*]}{.status.phase}/{.spec.nodeName}{' '}{end}")
		pods := strings.Fields(out)
		running := 0
		for _, p := range pods {
			phase, node, _ := strings.Cut(p, "/")
			if phase == "Running" && strings.HasPrefix(node, "kwok-node-") {
				running++
			}
		}
		if running == want && len(pods) == want {
			t.Logf("pods (phase/node): %s", strings.Join(pods, " "))
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pods = %v, want %d Running on kwok nodes", pods, want)
		}
		time.Sleep(time.Second)
	}
}
