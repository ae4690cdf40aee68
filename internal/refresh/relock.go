package refresh

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/lock"
)

// Relock is how the lockfile gets the plan's versions: the project's own
// lock tool, run by refresh when it is on PATH, or the command to run.
type Relock struct {
	Tool string   `json:"tool"`
	Argv []string `json:"argv"`
	// Dir is where the command runs (the lockfile's directory).
	Dir string `json:"dir"`
	// Installed: the tool was found on PATH (at Path).
	Installed bool   `json:"installed"`
	Path      string `json:"path,omitempty"`
	// Ran: refresh ran the command; Output is what it printed (the end of
	// it), Err its failure.
	Ran    bool   `json:"ran"`
	Output string `json:"output,omitempty"`
	Err    string `json:"error,omitempty"`
	// Unsupported says why no command can be given (a format without a
	// known lock tool).
	Unsupported string `json:"unsupported,omitempty"`
}

// Command is the command line as a shell would take it.
func (r *Relock) Command() string {
	var parts []string
	for _, a := range r.Argv {
		if a == "" || strings.ContainsAny(a, " \t\n'\"$`\\<>|&;*?()[]{}!#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// RelockArgv is the lock tool command that moves the lock at lockPath to
// the plan's versions and nothing else, by format:
//
//	uv.lock            uv lock --upgrade-package NAME==VERSION …
//	poetry.lock        poetry update --lock NAME …
//	pdm.lock           pdm update --update-reuse --no-sync NAME …
//	requirements.txt   pip-compile --upgrade-package NAME==VERSION … --output-file FILE [FILE.in]
//
// poetry and pdm take names only: they move each to the newest version its
// constraints in pyproject.toml allow, which may be short of the plan's.
func RelockArgv(format lock.Format, lockPath string, updates []Update) (*Relock, error) {
	r := &Relock{Dir: filepath.Dir(lockPath)}
	if len(updates) == 0 {
		return nil, fmt.Errorf("no updates to re-lock")
	}
	pinned := func(flag string) []string {
		var a []string
		for _, u := range updates {
			a = append(a, flag, u.Package+"=="+u.To)
		}
		return a
	}
	names := func() []string {
		var a []string
		for _, u := range updates {
			a = append(a, u.Package)
		}
		return a
	}
	switch format {
	case lock.FormatUV:
		r.Tool = "uv"
		r.Argv = append([]string{"uv", "lock"}, pinned("--upgrade-package")...)
	case lock.FormatPoetry:
		r.Tool = "poetry"
		r.Argv = append([]string{"poetry", "update", "--lock"}, names()...)
	case lock.FormatPDM:
		r.Tool = "pdm"
		r.Argv = append([]string{"pdm", "update", "--update-reuse", "--no-sync"}, names()...)
	case lock.FormatRequirements:
		r.Tool = "pip-compile"
		base := filepath.Base(lockPath)
		r.Argv = append(append([]string{"pip-compile"}, pinned("--upgrade-package")...), "--output-file", base)
		in := strings.TrimSuffix(base, filepath.Ext(base)) + ".in"
		if st, err := os.Stat(filepath.Join(r.Dir, in)); err == nil && st.Mode().IsRegular() {
			r.Argv = append(r.Argv, in)
		}
	default:
		r.Unsupported = fmt.Sprintf("pinwheel knows no lock tool that upgrades single packages in a %s; re-lock it with the tool that wrote it", format)
		return r, nil
	}
	return r, nil
}

// Detect looks the tool up on PATH.
func (r *Relock) Detect() {
	if r.Tool == "" {
		return
	}
	if p, err := exec.LookPath(r.Tool); err == nil {
		r.Installed, r.Path = true, p
	}
}

// maxOutput is how much of a lock tool's output a plan keeps.
const maxOutput = 4096

// Run runs the tool (Detect first) in Dir, with the environment of the
// process. A tool that is not installed is not an error: the plan then
// carries the command.
func (r *Relock) Run(ctx context.Context) error {
	if !r.Installed {
		return nil
	}
	cmd := exec.CommandContext(ctx, r.Path, r.Argv[1:]...)
	cmd.Dir = r.Dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	r.Ran = true
	r.Output = tail(out.String(), maxOutput)
	if err != nil {
		r.Err = err.Error()
		return fmt.Errorf("%s: %w\n%s", r.Command(), err, r.Output)
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
