package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// pinwheel.yaml and .pinwheelignore are read only as regular files inside
// the project: a FIFO does not hang, a link out is not followed, and both
// are input errors naming the file.
func TestProjectFilesMustBeRegularAndInside(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(p string) error
		want string
	}{
		{"fifo", func(p string) error { return syscall.Mkfifo(p, 0o644) }, "named pipe"},
		{"link_out", func(p string) error { return os.Symlink("/etc/hostname", p) }, "through a symlink"},
		{"directory", func(p string) error { return os.Mkdir(p, 0o755) }, "a directory"},
	} {
		t.Run("config_"+tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, FileName)
			if err := tc.make(p); err != nil {
				t.Fatal(err)
			}
			_, err := Load(dir)
			if !inputerr.Is(err) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want an input error at %s with %q", err, p, tc.want)
			}
		})
		t.Run("ignore_"+tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tc.make(filepath.Join(dir, IgnoreFile)); err != nil {
				t.Fatal(err)
			}
			c := &Config{Dir: dir, App: App{Include: []string{"**"}}}
			_, err := c.AppFiles()
			if !inputerr.Is(err) || !strings.Contains(err.Error(), IgnoreFile) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want an input error at %s with %q", err, IgnoreFile, tc.want)
			}
		})
	}
}
