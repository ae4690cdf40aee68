package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `pinwheel controller` refuses bad flags and a bad --config before it
// connects anywhere: exit 2, naming the flag or the file:line:col.
func TestControllerBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "controller.yaml")
	if err := os.WriteFile(bad, []byte("runtime:\n  metrics:\n    provider: graphite\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	kc := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
users: [{name: u, user: {token: t}}]
current-context: c
`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--workers", "0"}, "--workers"},
		{[]string{"--lease-duration", "100ms"}, "--lease-duration"},
		{[]string{"--drift-interval", "5m"}, "--drift-interval needs --config"},
		{[]string{"--config", bad, "--prometheus-url", "http://127.0.0.1:9090"}, "not both"},
		{[]string{"--kubeconfig", kc, "--config", bad}, "controller.yaml:3:15: runtime.metrics.provider: expected local, prometheus or httpjson"},
		{[]string{"--kubeconfig", filepath.Join(dir, "missing")}, "kubeconfig"},
	} {
		_, stderr, code := runCLI(t, append([]string{"controller"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("controller %v: exit %d, stderr %q; want exit 2 mentioning %q", tc.args, code, stderr, tc.want)
		}
	}
}
