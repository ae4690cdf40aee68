package lock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// hostileProject is project/reqs/ with a requirements file to fill, files
// a lock may point at (a FIFO, a link out, a huge sparse file), and a
// secret beside the project that nothing may read.
func hostileProject(t *testing.T) (project, reqs string) {
	t.Helper()
	parent := t.TempDir()
	project = filepath.Join(parent, "project")
	reqs = filepath.Join(project, "reqs")
	for _, d := range []string{reqs, filepath.Join(reqs, "subdir"), filepath.Join(project, "tool")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(parent, "secret.txt"), "leaked-package==6.6.6\n")
	write(filepath.Join(project, "common.txt"), "shared==1.0\n")
	write(filepath.Join(project, "tool", "pyproject.toml"), "[project]\nname = \"tool\"\n")
	os.Symlink("../../secret.txt", filepath.Join(reqs, "out.txt"))
	os.Symlink("/proc/self/environ", filepath.Join(reqs, "environ.txt"))
	if err := syscall.Mkfifo(filepath.Join(reqs, "fifo.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	huge, _ := os.Create(filepath.Join(reqs, "huge.txt"))
	huge.Truncate(65 << 20) // sparse: costs no disk
	huge.Close()
	return project, reqs
}

func TestRequirementsIncludesStayInTheProject(t *testing.T) {
	t.Setenv("PINWHEEL_CANARY_TOKEN", "s3cr3t-canary")
	long := strings.Repeat("x", 1<<20)
	for _, tc := range []struct {
		name, input string
		withRoot    bool   // WithRoot(project) instead of the file's directory
		want        string // in the error; "" when it parses
	}{
		{"proc_environ", "-r /proc/self/environ\n", true, "is outside the allowed directory"},
		{"dotdot_out", "-r ../../../../../../etc/hostname\n", true, "is outside the allowed directory"},
		{"dev_zero", "-c /dev/zero\n", true, "is outside the allowed directory"},
		{"link_out", "-r out.txt\n", true, "through a symlink"},
		{"link_to_proc", "-r environ.txt\n", true, "through a symlink"},
		{"fifo", "-r fifo.txt\n", true, "not a regular file (it is a named pipe)"},
		{"directory", "-r subdir\n", true, "not a regular file (it is a directory)"},
		{"huge", "-r huge.txt\n", true, "is too large"},
		{"sibling_needs_root", "-r ../common.txt\n", false, "is outside the allowed directory"},
		{"sibling_inside_root", "-r ../common.txt\n", true, ""},
		{"local_project_inside", "-e ../tool\n", true, ""},
		{"local_project_outside", "-e ../../..\n", true, "local project"},
		{"long_include_name", "-r " + long + "\n", true, "bytes)"},
		{"long_garbage_line", "--" + long + "\n", true, "bytes)"},
		{"long_extra", "a[" + long + "!]==1\n", true, "bytes)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			project, reqs := hostileProject(t)
			path := filepath.Join(reqs, "requirements.txt")
			if err := os.WriteFile(path, []byte("ok==1\n"+tc.input), 0o644); err != nil {
				t.Fatal(err)
			}
			var opts []ParseOption
			if tc.withRoot {
				opts = append(opts, WithRoot(project))
			}
			l, err := ParseFileAs(path, FormatRequirements, opts...)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := l.Find("leaked-package"); ok {
					t.Fatal("read a file outside the project")
				}
				return
			}
			var ie *inputerr.Error
			if !errors.As(err, &ie) || ie.Path != path || ie.Line != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %.300v; want %s:2 and %q", err, path, tc.want)
			}
			msg := err.Error()
			if len(msg) > 600 || strings.Contains(msg, "s3cr3t") || strings.Contains(msg, "leaked-package") {
				t.Fatalf("error echoes too much input (%d bytes): %.300s", len(msg), msg)
			}
		})
	}
}

func TestLockfileMustBeARegularFile(t *testing.T) {
	_, reqs := hostileProject(t)
	for _, name := range []string{"fifo.txt", "huge.txt", "out.txt"} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseFileAs(filepath.Join(reqs, name), FormatRequirements)
			if !inputerr.Is(err) || !strings.Contains(err.Error(), "cannot read requirements file") {
				t.Fatalf("err = %v, want an input error", err)
			}
		})
	}
	uv := filepath.Join(reqs, "uv.lock")
	os.Symlink("/dev/zero", uv)
	if _, err := ParseFile(uv); !inputerr.Is(err) || !strings.Contains(err.Error(), "cannot read lockfile") {
		t.Fatalf("uv.lock -> /dev/zero: err = %v", err)
	}
}

// Values a lockfile's parser quotes in an error are cut to an excerpt, in
// every format (inputerr.At and the TOML position helper cut %q arguments).
func TestLockErrorsQuoteOnlyAnExcerpt(t *testing.T) {
	long := strings.Repeat("v", 1<<20)
	for _, tc := range []struct {
		name, file, body string
	}{
		{"pylock_version", "pylock.toml", "lock-version = \"" + long + "\"\n"},
		{"requirements_editable", "requirements.txt", "-e " + long + "\n"},
		{"pipfile_hash", "Pipfile.lock", `{"_meta": {"sources": []}, "default": {"a": {"version": "==1", "hashes": ["` + long + `"]}}, "develop": {}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(p, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ParseFile(p)
			if !inputerr.Is(err) || len(err.Error()) > 600 || !strings.Contains(err.Error(), "(1048576 bytes)") {
				t.Fatalf("want a short input error with the value's length, got %d bytes: %.300v", len(fmt.Sprint(err)), err)
			}
		})
	}
}

// Without WithRoot the root is the nearest directory holding pinwheel.yaml
// or .git above the lockfile: siblings inside the project are read, what
// is above it is not, wherever pinwheel runs from.
func TestDefaultRootIsTheProject(t *testing.T) {
	project, reqs := hostileProject(t)
	path := filepath.Join(reqs, "requirements.txt")
	os.WriteFile(path, []byte("-r ../common.txt\n"), 0o644)
	if _, err := ParseFileAs(path, FormatRequirements); err == nil {
		t.Fatal("no marker: want ../common.txt refused (the root is the file's directory)")
	}
	os.WriteFile(filepath.Join(project, "pinwheel.yaml"), nil, 0o644)
	l, err := ParseFileAs(path, FormatRequirements)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := l.Find("shared"); !ok {
		t.Fatalf("packages %v, want shared from ../common.txt", l.Packages)
	}
	os.WriteFile(path, []byte("-r ../../secret.txt\n"), 0o644)
	if _, err := ParseFileAs(path, FormatRequirements); err == nil || !strings.Contains(err.Error(), "outside the allowed directory "+project) {
		t.Fatalf("err = %v, want ../../secret.txt outside %s", err, project)
	}
}
