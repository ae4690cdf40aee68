package kubecli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

const twoContexts = `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: a
  cluster: {server: "https://127.0.0.1:6443"}
- name: b
  cluster: {server: "https://127.0.0.1:7443"}
users:
- name: u
  user: {token: t}
contexts:
- name: prod
  context: {cluster: a, user: u, namespace: shop-prod}
- name: dev
  context: {cluster: b, user: u}
`

func writeKubeconfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Conn resolves like kubectl: current context and its namespace, --context,
// -n and $KUBECONFIG (~/.kube/config, the last resort, is client-go's
// clientcmd.RecommendedHomeFile, fixed when the process starts).
func TestConnResolve(t *testing.T) {
	path := writeKubeconfig(t, twoContexts)
	for _, tc := range []struct {
		name, env string
		conn      Conn
		host, ns  string
	}{
		{name: "current_context_namespace", conn: Conn{Kubeconfig: path}, host: "https://127.0.0.1:6443", ns: "shop-prod"},
		{name: "context_flag_default_namespace", conn: Conn{Kubeconfig: path, Context: "dev"}, host: "https://127.0.0.1:7443", ns: "default"},
		{name: "namespace_flag_wins", conn: Conn{Kubeconfig: path, Namespace: "other"}, host: "https://127.0.0.1:6443", ns: "other"},
		{name: "env_KUBECONFIG", env: path, host: "https://127.0.0.1:6443", ns: "shop-prod"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", tc.env)
			cfg, ns, err := tc.conn.Resolve()
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Host != tc.host || ns != tc.ns {
				t.Fatalf("host %s namespace %s; want %s %s", cfg.Host, ns, tc.host, tc.ns)
			}
		})
	}
}

func TestConnResolveErrors(t *testing.T) {
	path := writeKubeconfig(t, twoContexts)
	for _, tc := range []struct {
		name string
		conn Conn
		want string
	}{
		{name: "missing_file", conn: Conn{Kubeconfig: filepath.Join(t.TempDir(), "nope")}, want: "--kubeconfig"},
		{name: "unknown_context", conn: Conn{Kubeconfig: path, Context: "staging"}, want: `context "staging"`},
		{name: "not_yaml", conn: Conn{Kubeconfig: writeKubeconfig(t, "{{{")}, want: "--kubeconfig"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", "")
			_, _, err := tc.conn.Resolve()
			if !inputerr.Is(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v; want an input error containing %q", err, tc.want)
			}
		})
	}
}
