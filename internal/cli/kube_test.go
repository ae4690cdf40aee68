package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// kubeProject is a shop project whose rollout needs no metrics: 50%, a
// timed pause, 100%.
func kubeProject(t *testing.T, steps string) string {
	t.Helper()
	dir := t.TempDir()
	yaml := `service: shop
version: 2.0.0
python: "3.11"
base: python:3.11-slim@sha256:d1b8fbf0b29844f4399edffc04f78cb1e8962acbd69c552f5a6abc9e1ec15bcd
entrypoint: ["python3", "-m", "shop"]
rollout:
  steps:
` + steps + `
  progressDeadline: 2m
  scaleDownDelay: 1s
`
	if err := os.WriteFile(filepath.Join(dir, "pinwheel.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const timedSteps = `    - setWeight: 50
    - pause: {duration: 1s}
    - setWeight: 100`

// regexpLine says whether some line of out matches pattern.
func regexpLine(out, pattern string) bool {
	re := regexp.MustCompile(pattern)
	for _, l := range strings.Split(out, "\n") {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

// The kube flags and --target kube refuse bad input with exit 2 before any
// cluster is reached.
func TestKubeInputErrors(t *testing.T) {
	dir := kubeProject(t, timedSteps)
	img := "registry.invalid/shop@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"namespace_without_kube", []string{"status", "-n", "prod"}, "--namespace applies to --target kube only"},
		{"kubeconfig_without_kube", []string{"deploy", dir, "--source", "--kubeconfig", "/x"}, "--kubeconfig applies to --target kube only"},
		{"controller_without_kube", []string{"deploy", dir, "--source", "--controller", "none"}, "--controller applies to --target kube only"},
		{"unknown_target", []string{"promote", "--target", "nomad"}, "unknown target"},
		{"tag_not_digest", []string{"deploy", dir, "--target", "kube", "--image", "registry.invalid/shop:2"}, "pinned by digest"},
		{"oci_layout", []string{"deploy", dir, "--target", "kube", "--image", "oci:/tmp/shop"}, "a cluster can pull"},
		{"no_image", []string{"deploy", dir, "--target", "kube"}, "--target kube needs --image"},
		{"release_flag", []string{"deploy", dir, "--target", "kube", "--release", "shop-1"}, "--release applies to --target local only"},
		{"bad_controller", []string{"deploy", dir, "--target", "kube", "--image", img, "--controller", "sometimes"}, "expected auto, in-process or none"},
		{"missing_kubeconfig", []string{"deploy", dir, "--target", "kube", "--image", img, "--kubeconfig", "/nonexistent/config"}, "--kubeconfig /nonexistent/config"},
		{"build_info_missing", []string{"deploy", dir, "--target", "kube", "--image", img, "--build-info", "/nonexistent.json"}, "--build-info"},
		{"status_kubeconfig_missing", []string{"status", "--target", "kube", "--kubeconfig", "/nonexistent/config"}, "--kubeconfig /nonexistent/config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, tc.args...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}
