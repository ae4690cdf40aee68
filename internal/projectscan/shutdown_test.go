package projectscan

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// ReadShutdown resolves gunicorn's timeouts in gunicorn's own order:
// defaults < config file < GUNICORN_CMD_ARGS < command line.
func TestReadShutdown(t *testing.T) {
	root := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("gunicorn.conf.py", "import os\nbind = '0.0.0.0:8000'\ngraceful_timeout = 45\ntimeout = int(os.environ.get(\"WORKER_TIMEOUT\", \"90\"))\n")
	write("deploy/gunicorn-prod.py", "graceful_timeout = 120\n")
	type want struct{ server, graceful, worker, tmp string }
	str := func(s *Setting) string {
		if s == nil {
			return "-"
		}
		return s.From + "=" + itoa(s.Seconds)
	}
	for _, tc := range []struct {
		name string
		argv []string
		env  map[string]string
		want want
	}{
		{"conf_file", []string{"gunicorn", "app:app"}, nil, want{"gunicorn", "gunicorn.conf.py:3=45", "gunicorn.conf.py:4=90", ""}},
		{"env_over_file", []string{"gunicorn", "app:app"}, map[string]string{"GUNICORN_CMD_ARGS": "--graceful-timeout=60 -t 10"},
			want{"gunicorn", "GUNICORN_CMD_ARGS --graceful-timeout=60", "GUNICORN_CMD_ARGS -t=10", ""}},
		{"cli_over_env", []string{"exec", "gunicorn", "--graceful-timeout", "5", "--worker-tmp-dir", "/dev/shm", "app:app"},
			map[string]string{"GUNICORN_CMD_ARGS": "--graceful-timeout=60"}, want{"gunicorn", "--graceful-timeout=5", "gunicorn.conf.py:4=90", "/dev/shm"}},
		{"absolute_conf", []string{"gunicorn", "-c", "/srv/deploy/gunicorn-prod.py", "app:app"}, nil,
			want{"gunicorn", "deploy/gunicorn-prod.py:1=120", "gunicorn default=30", ""}},
		{"uvicorn_unbounded", []string{"uvicorn", "app:app"}, nil, want{"uvicorn", "-", "-", ""}},
		{"uvicorn_flag", []string{"python", "-m", "uvicorn", "--timeout-graceful-shutdown", "20", "app:app"}, nil, want{"uvicorn", "--timeout-graceful-shutdown=20", "-", ""}},
		{"hypercorn_default", []string{"hypercorn", "app:app"}, nil, want{"hypercorn", "hypercorn default=3", "-", ""}},
		{"not_a_server", []string{"celery", "worker"}, nil, want{"", "-", "-", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sd, err := ReadShutdown(context.Background(), root, tc.argv, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			got := want{sd.Server, str(sd.Graceful), str(sd.WorkerTimeout), sd.WorkerTmpDir}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
