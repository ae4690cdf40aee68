package sourcebuild_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/sourcebuild"
	"pinwheel.dev/pinwheel/internal/sourcebuild/sdisttest"
)

// A backend is the sdist's own code: what it reports is not trusted. A
// wheel that is a link out of its directory is refused, never read on the
// host; a name that is not a plain wheel file name is refused; a failing
// backend's output is quoted.
func TestHostileBackends(t *testing.T) {
	img, r := realBase(t), runc(t)
	host, _ := os.ReadFile("/etc/hostname")
	tests := []struct {
		name, backend, want string
	}{
		{"link_out", "import os\ndef build_wheel(out, cs=None, md=None):\n    os.symlink('/etc/hostname', os.path.join(out, 'evil-1.0-py3-none-any.whl'))\n    return 'evil-1.0-py3-none-any.whl'\n", "outside"},
		{"dotdot_name", "def build_wheel(out, cs=None, md=None):\n    return '../src/x.whl'\n", "not a wheel file name"},
		{"fails", "def build_wheel(out, cs=None, md=None):\n    print('compiler exploded')\n    raise SystemExit(7)\n", "exit 7:\ncompiler exploded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sdist, err := sdisttest.Write(t.TempDir(), "evil", "1.0", map[string]string{
				"pyproject.toml": "[build-system]\nrequires = []\nbuild-backend = \"evilbackend\"\nbackend-path = [\".\"]\n",
				"evilbackend.py": tt.backend,
			})
			if err != nil {
				t.Fatal(err)
			}
			bs, err := sourcebuild.ReadBuildSystem(sdist)
			if err != nil || bs.Backend != "evilbackend" || len(bs.BackendPath) != 1 {
				t.Fatalf("build system %+v, %v", bs, err)
			}
			req := sourcebuild.Request{Sdist: sdist, SHA256: sha(t, sdist), Image: img, Interpreter: "/usr/bin/python3.11", Python: "3.11",
				Target: "t", System: bs, Epoch: time.Unix(0, 0), CacheDir: t.TempDir()}
			res, err := (&sourcebuild.Builder{Runc: r}).Build(context.Background(), req)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("built %+v, err = %v; want an error containing %q", res, err, tt.want)
			}
			if len(host) > 0 && strings.Contains(err.Error(), strings.TrimSpace(string(host))) {
				t.Errorf("the host's /etc/hostname leaked into the error: %v", err)
			}
		})
	}
}
