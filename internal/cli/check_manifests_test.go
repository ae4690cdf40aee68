package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// runCheckStdin is runCheckCLI with stdin.
func runCheckStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	root := NewRootCommand(Streams{In: strings.NewReader(stdin), Out: &out, Err: &errb}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	root.SetArgs(args)
	code = reportError(&errb, root.ExecuteContext(context.Background()))
	return code, out.String(), errb.String()
}

const latestPod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: app:latest\n"

// pinwheel check -f - reads a stream (helm template, kustomize build) from
// stdin; -f DIR reads files; a non-project directory adds no project
// findings; malformed YAML is exit 2 at stdin:line, before any output.
func TestCheckManifests(t *testing.T) {
	empty := t.TempDir()
	dir := checkProject(t, map[string]string{"k8s/pod.yaml": latestPod})
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		out, err    string
	}{
		{"stdin_latest", latestPod, []string{"check", empty, "-f", "-"}, 1, "stdin\n  6       low      PW502  Pod p: container c has no livenessProbe", ""},
		{"dir", "", []string{"check", dir, "--manifests", dir + "/k8s", "--fail-on", "critical"}, 0, "k8s/pod.yaml\n  6       low      PW502", ""},
		{"malformed", "kind: Pod\nspec:\n\tx: 1\n", []string{"check", empty, "-f", "-"}, 2, "", "stdin:3: invalid YAML"},
		{"stdin_twice", "", []string{"check", empty, "-f", "-", "-f", "-"}, 2, "", "stdin) given twice"},
		{"missing", "", []string{"check", empty, "-f", empty + "/nope"}, 2, "", "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCheckStdin(t, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(stderr, tt.err) {
				t.Errorf("exit %d, out %q, stderr %q; want exit %d, out with %q, stderr with %q", code, out, stderr, tt.code, tt.out, tt.err)
			}
			if tt.code == 2 && out != "" {
				t.Errorf("an input error wrote output: %q", out)
			}
			if tt.code != 2 && !strings.Contains(out, "7       high     PW506  Pod p: container c image app:latest uses :latest") {
				t.Errorf("no PW506 at line 7: %q", out)
			}
			if strings.Contains(out, "PW101") {
				t.Errorf("a directory with no Python project got PW101: %q", out)
			}
		})
	}
}
