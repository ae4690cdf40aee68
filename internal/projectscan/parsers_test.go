package projectscan

import (
	"slices"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func TestParseDockerfile(t *testing.T) {
	const src = `# syntax=docker/dockerfile:1
ARG PY=3.12
FROM python:${PY}-slim AS base
ENV PORT=9000 \
    APP_HOME=/srv/app
WORKDIR $APP_HOME
# a comment between continuation lines does not end the instruction
RUN pip install \
    # pinned with hashes
    --require-hashes -r requirements/prod.txt
FROM base
ARG PY
EXPOSE ${PORT}/tcp 9100
USER 1000:1000
WORKDIR sub
CMD exec gunicorn -b 0.0.0.0:$PORT "app:create()"
`
	df, err := parseDockerfile("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if df.python != "3.12" || df.pythonAt != 3 {
		t.Errorf("python %q at %d, want 3.12 at 3 (the final stage is built on base)", df.python, df.pythonAt)
	}
	if len(df.expose) != 2 || df.expose[0].port != 9000 || df.expose[0].line != 13 {
		t.Errorf("expose = %+v, want 9000 from ENV PORT at line 13", df.expose)
	}
	if df.user != "1000:1000" || df.workdir != "/srv/app/sub" {
		t.Errorf("user %q workdir %q", df.user, df.workdir)
	}
	if df.cmd == nil || !df.cmd.shell || df.cmd.line != 16 {
		t.Fatalf("cmd = %+v", df.cmd)
	}
	if len(df.runs) != 1 || !strings.Contains(df.runs[0].cmd, "-r requirements/prod.txt") || df.runs[0].line != 8 {
		t.Errorf("runs = %+v", df.runs)
	}
	argv, unset, portEnv := fromShell(strings.Join(df.cmd.argv, " "), df.runtimeEnv(), 8000)
	if !slices.Equal(argv, []string{"gunicorn", "-b", "0.0.0.0:9000", "app:create()"}) || len(unset) != 0 || portEnv != 0 {
		t.Errorf("shell CMD → %q unset %v portEnv %d", argv, unset, portEnv)
	}
}

func TestParseDockerfileErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"no_from", "RUN true\n", "Dockerfile:1: invalid Dockerfile: no FROM"},
		{"env_without_value", "FROM python:3.12\nENV ONLYKEY\n", "Dockerfile:2: invalid Dockerfile"},
		{"bad_escape_directive", "# escape=xx\nFROM python:3.12\n", "invalid Dockerfile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseDockerfile("Dockerfile", []byte(tc.src))
			if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want an input error containing %q", err, tc.want)
			}
		})
	}
}

func TestImagePython(t *testing.T) {
	for ref, want := range map[string]string{
		"python:3.12-slim":                              "3.12",
		"python:3.12.4-slim-bookworm":                   "3.12",
		"docker.io/library/python:3.11@sha256:abc":      "3.11",
		"ghcr.io/astral-sh/uv:python3.13-bookworm-slim": "3.13",
		"tiangolo/uvicorn-gunicorn-fastapi:python3.11":  "3.11",
		"python:latest":                                 "",
		"node:20":                                       "",
		"registry:5000/python":                          "",
		"cgr.dev/chainguard/python:latest-dev":          "",
		"mcr.microsoft.com/devcontainers/python:1-3.12": "",
	} {
		if got := imagePython(ref); got != want {
			t.Errorf("imagePython(%q) = %q, want %q", ref, got, want)
		}
	}
}

func TestParseBind(t *testing.T) {
	for _, tc := range []struct {
		in       string
		host     string
		port     int
		unix, ok bool
	}{
		{"0.0.0.0:8000", "0.0.0.0", 8000, false, true},
		{":8080", "", 8080, false, true},
		{"[::]:5000", "::", 5000, false, true},
		{"8000", "", 8000, false, true},
		{"localhost", "localhost", 0, false, true},
		{"tcp://127.0.0.1:9000", "127.0.0.1", 9000, false, true},
		{"unix:/run/gunicorn.sock", "", 0, true, true},
		{"fd://3", "", 0, true, true},
		{"0.0.0.0:http", "", 0, false, false},
		{"0.0.0.0:70000", "", 0, false, false},
		{"::1:80", "", 0, false, false},
		{"[::1", "", 0, false, false},
		{"", "", 0, false, false},
	} {
		b, err := parseBind(tc.in)
		if (err == nil) != tc.ok || tc.ok && (b.host != tc.host || b.port != tc.port || b.unix != tc.unix) {
			t.Errorf("parseBind(%q) = %+v, %v", tc.in, b, err)
		}
	}
}

func TestAnalyzeCommand(t *testing.T) {
	for _, tc := range []struct {
		argv   string
		server string
		dev    bool
		port   int
		why    string
		loop   bool
	}{
		{"gunicorn app:app --bind 0.0.0.0:8080", "gunicorn", false, 8080, "--bind", false},
		{"gunicorn -b:7000 app:app", "gunicorn", false, 7000, "-b", false},
		{"gunicorn app:app", "gunicorn", false, 8000, "gunicorn default", true},
		{"python -m gunicorn -w 4 --bind=[::]:8000 app:app", "gunicorn", false, 8000, "--bind", false},
		{"uvicorn main:app --host 0.0.0.0 --port 80", "uvicorn", false, 80, "--port", false},
		{"uvicorn main:app --port 80", "uvicorn", false, 80, "--port", true},
		{"uvicorn main:app --reload", "uvicorn", true, 8000, "uvicorn default", true},
		{"ddtrace-run uv run --frozen hypercorn -b 0.0.0.0:9000 app:app", "hypercorn", false, 9000, "-b", false},
		{"waitress-serve --listen=*:6543 app:app", "waitress", false, 6543, "--listen", false},
		{"waitress-serve app:app", "waitress", false, 8080, "waitress default", false},
		{"daphne -b 0.0.0.0 -p 8001 proj.asgi:application", "daphne", false, 8001, "-p", false},
		{"fastapi run app/main.py --port 8000", "fastapi", false, 8000, "--port", false},
		{"fastapi dev app/main.py", "fastapi", true, 8000, "fastapi default", false},
		{"python manage.py runserver 0.0.0.0:8000", "django runserver", true, 8000, "runserver ADDRPORT", false},
		{"python3 manage.py runserver", "django runserver", true, 8000, "django runserver default", true},
		{"flask --app shop run --host 0.0.0.0", "flask run", true, 5000, "flask run default", false},
		{"uwsgi --http :8000 --module app.wsgi", "uwsgi", false, 8000, "--http", false},
		{"uwsgi etc/uwsgi.ini", "uwsgi", false, 0, "", false},
		{"python app.py", "", false, 0, "", false},
		{"celery -A proj worker", "", false, 0, "", false},
	} {
		si := analyzeCommand(strings.Fields(tc.argv))
		port := 0
		if si.bind != nil {
			port = si.bind.port
		}
		loop := si.bind != nil && si.bind.loopback()
		if si.server != tc.server || si.dev != tc.dev || port != tc.port || si.portWhy != tc.why || loop != tc.loop {
			t.Errorf("%s: server %q dev %v port %d (%s) loopback %v", tc.argv, si.server, si.dev, port, si.portWhy, loop)
		}
	}
}

func TestSplitShell(t *testing.T) {
	for _, tc := range []struct {
		line  string
		env   map[string]string
		argv  []string
		unset []string
		pe    int
	}{
		{`gunicorn -b 0.0.0.0:$PORT app:app`, nil, []string{"gunicorn", "-b", "0.0.0.0:8000", "app:app"}, nil, 8000},
		{`gunicorn -b 0.0.0.0:${PORT:-5000} app:app`, nil, []string{"gunicorn", "-b", "0.0.0.0:5000", "app:app"}, nil, 0},
		{`exec uvicorn main:app --port "$PORT"`, map[string]string{"PORT": "80"}, []string{"uvicorn", "main:app", "--port", "80"}, nil, 0},
		{`gunicorn -w $WORKERS app:app`, nil, []string{"/bin/sh", "-c", "gunicorn -w $WORKERS app:app"}, []string{"WORKERS"}, 0},
		{`python manage.py migrate && gunicorn app`, nil, []string{"/bin/sh", "-c", "python manage.py migrate && gunicorn app"}, nil, 0},
		{`gunicorn 'app:create_app("x y")'`, nil, []string{"gunicorn", `app:create_app("x y")`}, nil, 0},
		{`FOO=1 gunicorn app`, nil, []string{"/bin/sh", "-c", "FOO=1 gunicorn app"}, nil, 0},
	} {
		argv, unset, pe := fromShell(tc.line, tc.env, 8000)
		if !slices.Equal(argv, tc.argv) || !slices.Equal(unset, tc.unset) || pe != tc.pe {
			t.Errorf("%s → %q unset %v portEnv %d", tc.line, argv, unset, pe)
		}
	}
}

func TestParseProcfile(t *testing.T) {
	got, err := parseProcfile("Procfile", []byte("# types\r\nweb: gunicorn app:app\n\nworker:python -m jobs\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != (procEntry{"web", "gunicorn app:app", 2}) || got[1] != (procEntry{"worker", "python -m jobs", 4}) {
		t.Errorf("entries = %+v", got)
	}
	for src, want := range map[string]string{
		"web gunicorn app\n": "Procfile:1:1: want \"TYPE: command\"",
		"web: a\nweb: b\n":   "Procfile:2:1: process type \"web\" is defined twice (first at line 1)",
		"\nweb:   \n":        "Procfile:2:5: process type \"web\" has no command",
		"we b: x\n":          "Procfile:1:1",
	} {
		if _, err := parseProcfile("Procfile", []byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", src, err, want)
		}
	}
}

func TestParseGunicornConf(t *testing.T) {
	for _, tc := range []struct {
		src     string
		bind    []string
		line    int
		portEnv bool
		opaque  bool
		wsgi    string
	}{
		{"bind = \"0.0.0.0:8000\"\n", []string{"0.0.0.0:8000"}, 1, false, false, ""},
		{"workers = 2\nbind = ['0.0.0.0:8000', 'unix:/tmp/g.sock']  # two\n", []string{"0.0.0.0:8000", "unix:/tmp/g.sock"}, 2, false, false, ""},
		{"bind = [\n    \"[::]:9000\",\n]\nwsgi_app = \"app:app\"\n", []string{"[::]:9000"}, 1, false, false, "app:app"},
		{"import os\nbind = f\"0.0.0.0:{os.getenv('PORT', '5000')}\"\n", []string{"0.0.0.0:5000"}, 2, true, false, ""},
		{"bind = \"0.0.0.0:\" + os.environ.get(\"PORT\", \"9000\")\n", []string{"0.0.0.0:9000"}, 1, true, false, ""},
		{"bind = \"0.0.0.0:%s\" % os.environ[\"PORT\"]\n", []string{"0.0.0.0:8000"}, 1, true, false, ""},
		{"bind = compute_bind()\n", nil, 1, false, true, ""},
		{"def f():\n    bind = 'x'\n", nil, 0, false, false, ""},
	} {
		gc, err := parseGunicornConf("gunicorn.conf.py", []byte(tc.src))
		if err != nil || !slices.Equal(gc.bind, tc.bind) || gc.bindLine != tc.line || gc.portEnv != tc.portEnv || gc.opaque != tc.opaque || gc.wsgiApp != tc.wsgi {
			t.Errorf("%q → %+v, %v", tc.src, gc, err)
		}
	}
	if _, err := parseGunicornConf("g.py", []byte("x = 1\nbind = [\n'a:1',\n")); err == nil || !strings.Contains(err.Error(), "g.py:2:1: bind = … has an unclosed bracket") {
		t.Errorf("unclosed bracket: %v", err)
	}
}

func TestChoosePython(t *testing.T) {
	at := func(f string) Evidence { return Evidence{File: f, Line: 1} }
	for _, tc := range []struct {
		name  string
		srcs  []PythonSource
		want  string
		warns []string
	}{
		{"dockerfile_outside_lock_loses", []PythonSource{
			{Kind: "Dockerfile FROM", Pin: "3.11", At: at("Dockerfile")},
			{Kind: ".python-version", Pin: "3.12", At: at(".python-version")},
			{Kind: "uv.lock requires-python", Spec: ">=3.12", At: at("uv.lock"), Lock: true},
		}, "3.12", []string{"pins different Pythons: Dockerfile FROM 3.11, .python-version 3.12"}},
		{"all_outside_lock", []PythonSource{
			{Kind: ".python-version", Pin: "3.11.9", At: at(".python-version")},
			{Kind: "poetry.lock python-versions", Spec: ">=3.12,<4.0", At: at("poetry.lock"), Lock: true},
		}, "3.11", []string{"Python 3.11 is outside what poetry.lock python-versions was resolved for (>=3.12,<4.0) (.python-version:1, poetry.lock:1)"}},
		{"patch_pin_checked_exactly", []PythonSource{
			{Kind: ".python-version", Pin: "3.12.1", At: at(".python-version")},
			{Kind: "requires-python", Spec: ">=3.12.4", At: at("pyproject.toml")},
		}, "3.12", []string{"outside the declared requires-python (>=3.12.4)"}},
		{"range_only", []PythonSource{{Kind: "requires-python", Spec: ">=3.9", At: at("pyproject.toml")}}, "3.11", []string{"chose 3.11"}},
		{"range_excludes_maintained", []PythonSource{{Kind: "requires-python", Spec: "<3.10", At: at("pyproject.toml")}}, "3.8", nil},
		{"poetry_alternatives", []PythonSource{{Kind: "poetry python", Spec: ">=3.8,<3.9 || >=3.13", At: at("pyproject.toml")}}, "3.13", nil},
		{"nothing", nil, "3.11", []string{"nothing in the project names a Python version"}},
		{"stale_lock", []PythonSource{
			{Kind: "requires-python", Spec: ">=3.13", At: at("pyproject.toml")},
			{Kind: "uv.lock requires-python", Spec: ">= 3.12", At: at("uv.lock"), Lock: true},
		}, "3.13", []string{"requires-python says >=3.13 but uv.lock requires-python says >= 3.12: the lock was resolved for another range; re-lock (pyproject.toml:1, uv.lock:1)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			py, warns := choosePython(tc.srcs)
			if py.Version != tc.want {
				t.Errorf("version %s (%s), want %s", py.Version, py.Why, tc.want)
			}
			for _, w := range tc.warns {
				found := false
				for _, got := range warns {
					found = found || strings.Contains(got.String(), w)
				}
				if !found {
					t.Errorf("no warning %q in %v", w, warns)
				}
			}
		})
	}
}

func TestParseUwsgiIni(t *testing.T) {
	env := map[string]string{"PORT": "8000"}
	for _, tc := range []struct {
		src, addr, proto string
		line             int
		unset            []string
	}{
		{"[uwsgi]\nhttp-socket=:$(PORT)\nmaster=true\n", ":8000", "http", 2, nil},
		{"; comment\n[uwsgi]\nsocket = 127.0.0.1:3031\nhttp = 0.0.0.0:9090\n", "0.0.0.0:9090", "http", 4, nil},
		{"[uwsgi]\nhttp = :80\nsocket = :3031\n", ":80", "http", 2, nil},
		{"[other]\nhttp = :1\n[uwsgi]\nsocket = :$(APP_PORT)\n", ":$(APP_PORT)", "uwsgi", 4, []string{"APP_PORT"}},
	} {
		uc, err := parseUwsgiIni("uwsgi.ini", []byte(tc.src), env)
		if err != nil || uc.addr != tc.addr || uc.protocol != tc.proto || uc.line != tc.line || !slices.Equal(uc.unset, tc.unset) {
			t.Errorf("%q → %+v, %v", tc.src, uc, err)
		}
	}
	for src, want := range map[string]string{"[uwsgi\n": "uwsgi.ini:1:1: section header", "[uwsgi]\nmaster\n": "uwsgi.ini:2:1: want key = value"} {
		if _, err := parseUwsgiIni("uwsgi.ini", []byte(src), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
}

func TestStaleRangesCompareReleases(t *testing.T) {
	same := []PythonSource{
		{Kind: "requires-python", Spec: ">=3.12,<3.13"},
		{Kind: "uv.lock requires-python", Spec: "==3.12.*", Lock: true},
		{Kind: "poetry python", Spec: ">=3.12,<3.13.0"},
	}
	if w := staleRanges(same); len(w) != 0 {
		t.Errorf("equivalent ranges warned: %v", w)
	}
}
