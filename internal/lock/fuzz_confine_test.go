package lock

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// FuzzRequirementsIncludes writes requirements files whose -r/-c/-e lines
// name, from a pool, every way out of the project: "..", absolute paths,
// /proc and /dev, symlinks (to files, to directories, to themselves), a
// FIFO, include cycles. Whatever the combination, nothing outside the
// project is read (the canary package never appears, nor its text in an
// error), nothing hangs, and errors stay short.
func FuzzRequirementsIncludes(f *testing.F) {
	parent := f.TempDir()
	project := filepath.Join(parent, "project")
	reqs := filepath.Join(project, "reqs")
	os.MkdirAll(filepath.Join(reqs, "sub"), 0o755)
	os.WriteFile(filepath.Join(parent, "secret.txt"), []byte("leaked==6.6.6\n"), 0o644)
	os.WriteFile(filepath.Join(project, "common.txt"), []byte("common==1\n"), 0o644)
	os.WriteFile(filepath.Join(reqs, "ok.txt"), []byte("ok==1\n"), 0o644)
	os.WriteFile(filepath.Join(reqs, "nested.txt"), []byte("-r out.txt\n-r ok.txt\n"), 0o644)
	os.WriteFile(filepath.Join(reqs, "back.txt"), []byte("-r requirements.txt\n"), 0o644)
	os.Symlink("../../secret.txt", filepath.Join(reqs, "out.txt"))
	os.Symlink("/proc/self/environ", filepath.Join(reqs, "environ.txt"))
	os.Symlink("../..", filepath.Join(reqs, "updir"))
	os.Symlink("loop.txt", filepath.Join(reqs, "loop.txt"))
	os.Symlink("ok.txt", filepath.Join(reqs, "inlink.txt"))
	if err := syscall.Mkfifo(filepath.Join(reqs, "fifo.txt"), 0o644); err != nil {
		f.Fatal(err)
	}
	targets := []string{"ok.txt", "out.txt", "environ.txt", "fifo.txt", "updir/secret.txt", "updir/project/common.txt",
		"../secret.txt", "../common.txt", "../../secret.txt", "/proc/self/environ", "/dev/zero", "sub/../../../secret.txt",
		"loop.txt", "inlink.txt", "nested.txt", "back.txt", "sub", filepath.Join(parent, "secret.txt"), "missing.txt", ".."}
	ops := []string{"-r ", "-c ", "-e ", "--requirement=", "x @ file://"}
	path := filepath.Join(reqs, "requirements.txt")

	f.Add([]byte{0, 1})
	f.Add([]byte{0, 3, 1, 2, 0, 4})
	f.Add([]byte{2, 6, 2, 17, 4, 9, 0, 14, 0, 15})
	f.Fuzz(func(t *testing.T, data []byte) {
		var b strings.Builder
		for i := 0; i+1 < len(data) && i < 32; i += 2 {
			b.WriteString(ops[int(data[i])%len(ops)] + targets[int(data[i+1])%len(targets)] + "\n")
		}
		for _, root := range []string{reqs, project} {
			l, err := parseRequirementsWith(path, []byte(b.String()), root, func(p string) ([]byte, error) { return readInput(root, p) })
			if err != nil {
				if msg := err.Error(); strings.Contains(msg, "leaked") || len(msg) > 2000 {
					t.Fatalf("error leaks or is long (%d bytes): %.300s", len(msg), msg)
				}
				continue
			}
			for _, p := range l.Packages {
				if p.Name == "leaked" {
					t.Fatalf("read a file outside the project:\n%s", b.String())
				}
			}
		}
	})
}
