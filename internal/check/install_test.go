package check

import (
	"log/slog"
	"strconv"
	"strings"
	"testing"
)

// testProject is a project whose files live only in memory.
func testProject(t *testing.T, files map[string]string) *project {
	t.Helper()
	p := &project{dir: t.TempDir(), logger: slog.New(slog.DiscardHandler), files: map[string][]byte{}}
	for name, body := range files {
		p.files[name] = []byte(body)
	}
	return p
}

func TestParseInstall(t *testing.T) {
	withLock := map[string]string{"requirements.txt": lockedRequirements, "poetry.lock": "", "dev.txt": "flask==3.0.3\n"}
	tests := []struct {
		name   string
		cmd    string
		files  map[string]string
		env    map[string]string
		isInst bool
		locked bool
	}{
		{"pip_by_name", "pip install flask", nil, nil, true, false},
		{"pip3_by_name_with_index", "pip3 install -i https://x/simple flask==3.0", nil, nil, true, false},
		{"python_m_pip", "python3.11 -m pip install -U pip", nil, nil, true, false},
		{"pip_require_hashes", "pip install --require-hashes -r /app/requirements.txt", nil, nil, true, true},
		{"pip_hashed_file", "pip install --no-cache-dir -r requirements.txt", withLock, nil, true, true},
		{"pip_hashed_file_in_image_path", "pip install -r /srv/app/requirements.txt", withLock, nil, true, true},
		{"pip_unhashed_file", "pip install -r dev.txt", withLock, nil, true, false},
		{"pip_vcs_file", "pip install -r vcs.txt", map[string]string{"vcs.txt": "acme @ git+https://github.com/acme/acme@5e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b\n"}, nil, true, false},
		{"pip_editable_only_file", "pip install -r local.txt", map[string]string{"local.txt": "-e .\n"}, nil, true, false},
		{"pip_missing_file", "pip install -r requirements.txt", nil, nil, true, false},
		{"pip_project_no_deps", "pip install --no-deps .", nil, nil, true, true},
		{"pip_project_with_deps", "pip install .", nil, nil, true, false},
		{"pip_wheels_no_deps", "pip install --no-deps /wheels/app-1.0-py3-none-any.whl", nil, nil, true, true},
		{"sudo_env_pip", "sudo -E env PIP_NO_CACHE=1 pip install flask", nil, nil, true, false},
		{"gosu_pip", "gosu app pip install flask", nil, nil, true, false},
		{"uv_pip_install", "uv pip install --system flask", nil, nil, true, false},
		{"uv_pip_sync_hashed", "uv pip sync requirements.txt --require-hashes", nil, nil, true, true},
		{"uv_sync", "uv sync", nil, nil, true, false},
		{"uv_sync_locked", "uv sync --locked --no-dev", nil, nil, true, true},
		{"uv_sync_frozen", "uv sync --frozen", nil, nil, true, true},
		{"uv_add", "uv add requests", nil, nil, true, false},
		{"poetry_install_lock", "poetry install --only main", withLock, nil, true, true},
		{"poetry_install_no_lock", "poetry install", nil, nil, true, false},
		{"poetry_lock", "poetry lock --no-update", withLock, nil, true, false},
		{"pipenv_install", "pipenv install --system", nil, nil, true, false},
		{"pipenv_deploy", "pipenv install --system --deploy", nil, nil, true, true},
		{"pipenv_sync", "pipenv sync", nil, nil, true, true},
		{"pdm_install", "pdm install", nil, nil, true, false},
		{"pdm_frozen", "pdm install --frozen-lockfile", nil, nil, true, true},
		{"apt_unpinned", "apt-get install -y --no-install-recommends curl", nil, nil, true, false},
		{"apt_pinned", "apt-get install -y -o Dpkg::Options::=--force-confdef curl=7.88.1-10", nil, nil, true, true},
		{"apt_update", "apt-get update", nil, nil, false, false},
		{"apk_virtual", "apk add --no-cache --virtual .build gcc=13.2.1-r0", nil, nil, true, true},
		{"apk_unpinned", "apk add --no-cache musl-dev", nil, nil, true, false},
		{"not_an_install", "gunicorn app:app", nil, nil, false, false},
		{"pip_freeze", "pip freeze", nil, nil, false, false},
		{"pip_env_require_hashes", "pip install -r dev.txt", withLock, map[string]string{"PIP_REQUIRE_HASHES": "1"}, true, true},
		{"uv_sync_env_frozen", "uv sync", nil, map[string]string{"UV_FROZEN": "1"}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testProject(t, tt.files)
			in, ok := parseInstall(p, strings.Fields(tt.cmd), tt.env)
			if ok != tt.isInst || (ok && in.Locked != tt.locked) {
				t.Errorf("parseInstall(%q) = %+v, %v; want install=%v locked=%v", tt.cmd, in, ok, tt.isInst, tt.locked)
			}
		})
	}
}

func TestScanShellPipeToShell(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   int // downloads executed by a shell
	}{
		{"curl_pipe_sh", "curl -fsSL https://x/i.sh | sh", 1},
		{"wget_pipe_sudo_bash", "wget -qO- https://x | sudo bash -s -- -y", 1},
		{"curl_pipe_python", "curl -sSL https://install.python-poetry.org | python3 -", 1},
		{"process_substitution", "bash <(curl -s https://x)", 1},
		{"command_substitution", `sh -c "$(curl -fsSL https://x)"`, 1},
		{"curl_to_file", "curl -fsSLo /tmp/i.sh https://x && sha256sum -c i.sha && sh /tmp/i.sh", 0},
		{"curl_pipe_tar", "curl -fsSL https://x.tgz | tar -xz", 0},
		{"in_subshell_after_and", "apt-get update && (curl https://x | bash)", 1},
		{"unparsable_falls_back", "curl https://x | sh ) (", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(scanShell(tt.script, 1).PipeToShell); got != tt.want {
				t.Errorf("%q: %d pipe-to-shell, want %d", tt.script, got, tt.want)
			}
		})
	}
}

func TestScanShellLines(t *testing.T) {
	s := scanShell("apt-get update \\\n  && apt-get install -y \\\n     curl\npip install x\n", 10)
	var got []string
	for _, c := range s.Cmds {
		got = append(got, c.Argv[0]+"@"+itoa(c.Line)+":"+itoa(c.Col))
	}
	want := "apt-get@10:1 apt-get@11:6 pip@13:1"
	if strings.Join(got, " ") != want {
		t.Errorf("commands %v, want %s", got, want)
	}
}

func TestParseSuppressions(t *testing.T) {
	src := "# pinwheel:ignore PW301 reason: pinned upstream\n" +
		"# pinwheel:ignore PW301, PW302 reason=both fine\n" +
		"RUN x # pinwheel:ignore PW304\n" +
		"# pinwheel:ignore\n"
	got := parseSuppressions("Dockerfile", []byte(src))
	want := []string{"1 [PW301] pinned upstream", "2 [PW301 PW302] both fine", "3 [PW304] ", "4 [] "}
	if len(got) != len(want) {
		t.Fatalf("got %d suppressions, want %d: %+v", len(got), len(want), got)
	}
	for i, s := range got {
		if g := itoa(s.line) + " [" + strings.Join(s.ids, " ") + "] " + s.reason; g != want[i] {
			t.Errorf("suppression %d = %q, want %q", i, g, want[i])
		}
	}
}

func TestPythonBounds(t *testing.T) {
	tests := []struct {
		name, spec   string
		lower, upper bool
	}{
		{"lower_only", ">=3.11", true, false},
		{"both", ">=3.11,<3.13", true, true},
		{"wildcard", "==3.11.*", true, true},
		{"compatible", "~=3.11", true, true},
		{"poetry_caret", "^3.11", true, true},
		{"upper_only", "<3.13", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, up, err := pythonBounds(tt.spec)
			if err != nil || lo != tt.lower || up != tt.upper {
				t.Errorf("pythonBounds(%q) = %v, %v, %v", tt.spec, lo, up, err)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestRuntimeInstall(t *testing.T) {
	tests := []struct {
		name string
		cmd  string
		env  map[string]string
		want bool
	}{
		{"uv_run", "uv run gunicorn app:app", nil, true},
		{"uv_run_no_sync", "uv run --no-sync gunicorn app:app", nil, false},
		{"uv_run_frozen", "uv run --frozen python -m app", nil, false},
		{"uv_run_env_no_sync", "uv run app", map[string]string{"UV_NO_SYNC": "1"}, false},
		{"uv_run_flag_of_command", "uv run app --frozen", nil, true},
		{"pip_install_locked", "pip install --require-hashes -r requirements.txt", nil, true},
		{"exec_gunicorn", "exec gunicorn app:app", nil, false},
		{"poetry_run", "poetry run app", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := runtimeInstall(testProject(t, nil), strings.Fields(tt.cmd), tt.env); got != tt.want {
				t.Errorf("runtimeInstall(%q) = %v, want %v", tt.cmd, got, tt.want)
			}
		})
	}
}
