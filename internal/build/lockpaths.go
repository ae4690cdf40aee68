package build

import (
	"cmp"
	"errors"
	"os"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// checkLockPaths refuses, before anything is fetched or built, the local
// files and trees a lock names (path sources, path artifacts, directory and
// editable sources) when they are outside root or, for files, not regular
// files: a lock `path = "/dev/zero"` or `"../../../etc/passwd"` is an
// input error at the lock's file:line. A file that does not exist is left
// for the fetch to report.
func checkLockPaths(l *lock.Lock, lockDir, root string) error {
	for _, p := range l.Packages {
		fail := func(what string, err error) error {
			return &inputerr.Error{Path: cmp.Or(p.File, l.Path), Line: p.Line, Msg: p.Name + ": " + what, Err: err}
		}
		abs := func(s string) string {
			if filepath.IsAbs(s) {
				return s
			}
			return filepath.Join(lockDir, s)
		}
		var files []string
		for _, a := range p.Artifacts {
			if a.Path != "" {
				files = append(files, a.Path)
			}
		}
		switch p.Source.Kind {
		case lock.SourcePath:
			if p.Source.Path != "" {
				files = append(files, p.Source.Path)
			}
		case lock.SourceDirectory, lock.SourceEditable:
			if _, err := safefs.Within(root, abs(p.Source.Path)); err != nil {
				return fail("local source tree", err)
			}
		}
		for _, f := range files {
			fh, err := safefs.Open(root, abs(f))
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return fail("local artifact", err)
			}
			fh.Close()
		}
	}
	return nil
}
