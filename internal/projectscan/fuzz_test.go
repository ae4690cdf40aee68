package projectscan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// seedFiles adds every file of the golden trees named name as a seed.
func seedFiles(f *testing.F, name string) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "layouts", "*", "*", name))
	more, _ := filepath.Glob(filepath.Join("testdata", "layouts", "*", "*", "*", "*", name))
	for _, p := range append(paths, more...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
}

func FuzzParseDockerfile(f *testing.F) {
	seedFiles(f, "Dockerfile")
	f.Add([]byte("# escape=`\nFROM python:3.12\nRUN echo `\n  hi\nCMD [\"a\", \"b\"]\n"))
	f.Add([]byte("ARG V\nFROM python:${V:-3.11}-slim AS a\nFROM a\nENTRYPOINT python -m x\nEXPOSE 80-90/udp $P\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		df, err := parseDockerfile("Dockerfile", data)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		for _, e := range df.expose {
			if e.port < 1 || e.port > 65535 || e.line < 1 {
				t.Fatalf("bad expose %+v", e)
			}
		}
		dockerInstalls(df)
		for _, c := range []*dockerCmd{df.entrypoint, df.cmd} {
			if c != nil && c.shell {
				fromShell(strings.Join(c.argv, " "), df.runtimeEnv(), 8000)
			}
		}
	})
}

func FuzzParseProcfile(f *testing.F) {
	seedFiles(f, "Procfile")
	f.Add([]byte("web: gunicorn app:app --bind 0.0.0.0:$PORT\r\n# c\nworker: celery -A x worker\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := parseProcfile("Procfile", data)
		if err != nil {
			if !inputerr.Is(err) || !strings.HasPrefix(err.Error(), "Procfile:") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, e := range entries {
			if !procNameRE.MatchString(e.name) || e.command == "" || e.line < 1 || e.line > lines {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}

func FuzzParseGunicornConf(f *testing.F) {
	seedFiles(f, "gunicorn.conf.py")
	f.Add([]byte("bind = ['0.0.0.0:8000', \"[::]:8000\"]  # x\nwsgi_app = 'a:b'\n"))
	f.Add([]byte("bind = f\"0.0.0.0:{os.environ.get('PORT', 5000)}\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		gc, err := parseGunicornConf("gunicorn.conf.py", data)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		for _, b := range gc.bind {
			parseBind(b)
		}
		if len(gc.bind) > 0 && gc.bindLine < 1 {
			t.Fatalf("bind without a line: %+v", gc)
		}
	})
}

func FuzzParseUwsgiIni(f *testing.F) {
	f.Add([]byte("[uwsgi]\nhttp-socket=:$(PORT)\nsocket = :3031\n; c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		uc, err := parseUwsgiIni("uwsgi.ini", data, map[string]string{"PORT": "8000"})
		if err != nil {
			if !inputerr.Is(err) || !strings.HasPrefix(err.Error(), "uwsgi.ini:") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		if uc.addr != "" && uc.line < 1 {
			t.Fatalf("address without a line: %+v", uc)
		}
	})
}

func FuzzParseBind(f *testing.F) {
	for _, s := range []string{"0.0.0.0:8000", ":80", "[::]:5000", "8000", "unix:/x", "tcp://h:1", "[::1", "h:99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseBind(s)
		if err != nil || b.unix {
			return
		}
		if b.port < 0 || b.port > 65535 {
			t.Fatalf("port %d", b.port)
		}
		if b.port != 0 && !strings.Contains(b.host, ":") {
			again, err := parseBind(b.host + ":" + strconv.Itoa(b.port))
			if err != nil || again.port != b.port || again.host != b.host {
				t.Fatalf("%q → %+v, reparsed %+v %v", s, b, again, err)
			}
		}
	})
}

func FuzzSplitShell(f *testing.F) {
	for _, s := range []string{`gunicorn -b 0.0.0.0:${PORT:-8000} 'a:b("x y")'`, `exec uvicorn "$APP" --port $PORT`, `a && b`, `x "unclosed`, `a\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		sl := splitShell(line, map[string]string{"HOME": "/root"}, map[string]string{"PORT": "8000"})
		if sl.needsShell && (len(sl.argv) != 3 || sl.argv[0] != "/bin/sh") {
			t.Fatalf("shell fallback %q", sl.argv)
		}
		si := analyzeCommand(sl.argv)
		if si.bind != nil && (si.bind.port < 0 || si.bind.port > 65535) {
			t.Fatalf("port %d", si.bind.port)
		}
	})
}

// FuzzScanService runs the whole scan over a tree whose Dockerfile,
// Procfile, pyproject.toml and gunicorn.conf.py come from the input
// (split at NUL bytes): any input gives a result or an input error.
func FuzzScanService(f *testing.F) {
	f.Add([]byte("FROM python:3.12\nCMD gunicorn -c gunicorn.conf.py app:app\n\x00web: uvicorn a:b --reload\n\x00[project]\nname='x'\nrequires-python='>=3.13'\n[tool.pdm.scripts]\nstart={cmd=['gunicorn','a']}\n\x00bind='[::]:81'\n"))
	f.Add([]byte("FROM python:3.11 AS b\nFROM b\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"uv\",\"run\",\"x\"]\n\x00\x00[tool.poetry]\nname='p'\n[tool.poetry.dependencies]\npython='^3.8 || ^3.12'\n\x00"))
	names := []string{"Dockerfile", "Procfile", "pyproject.toml", "gunicorn.conf.py"}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		for i, part := range bytes.SplitN(data, []byte{0}, len(names)) {
			if len(part) > 0 {
				os.WriteFile(filepath.Join(dir, names[i]), part, 0o644)
			}
		}
		svc, err := ScanService(context.Background(), dir, ".")
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		if !minorRE.MatchString(svc.Python.Version) {
			t.Fatalf("python %q", svc.Python.Version)
		}
		var b bytes.Buffer
		WriteReport(&b, svc)
	})
}
