package safefs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadFileConfined(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "project")
	os.Mkdir(root, 0o755)
	os.WriteFile(filepath.Join(parent, "secret"), []byte("TOKEN=x"), 0o644)
	os.WriteFile(filepath.Join(root, "ok.txt"), []byte("ok"), 0o644)
	os.WriteFile(filepath.Join(root, "big.txt"), make([]byte, 100), 0o644)
	os.Symlink("ok.txt", filepath.Join(root, "inlink"))
	os.Symlink("../secret", filepath.Join(root, "outlink"))
	os.Symlink("/proc/self/environ", filepath.Join(root, "environ"))
	os.Symlink("/dev/zero", filepath.Join(root, "zero"))
	os.Mkdir(filepath.Join(root, "dir"), 0o755)
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file string
		want       error
		msg        string
	}{
		{"regular", "ok.txt", nil, ""},
		{"link_inside", "inlink", nil, ""},
		{"dotdot", "../secret", ErrOutside, "outside"},
		{"absolute_elsewhere", "/etc/hostname", ErrOutside, "outside"},
		{"proc", "/proc/self/environ", ErrOutside, "outside"},
		{"link_out", "outlink", ErrOutside, "through a symlink"},
		{"link_to_proc", "environ", ErrOutside, "through a symlink"},
		{"link_to_dev_zero", "zero", ErrOutside, "through a symlink"},
		{"fifo_does_not_hang", "fifo", ErrNotRegular, "named pipe"},
		{"directory", "dir", ErrNotRegular, "directory"},
		{"too_large", "big.txt", ErrTooLarge, "limit is 10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.file
			if !filepath.IsAbs(name) {
				name = filepath.Join(root, name)
			}
			data, err := ReadFile(context.Background(), root, name, 10)
			if tc.want == nil {
				if err != nil || string(data) != "ok" {
					t.Fatalf("ReadFile = %q, %v", data, err)
				}
				return
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tc.want, tc.msg)
			}
			if strings.Contains(err.Error(), "TOKEN") {
				t.Fatalf("error leaks content: %v", err)
			}
		})
	}
}

func TestReadFileDevZeroInsideRootRefused(t *testing.T) {
	// /dev as the allowed root: /dev/zero is inside, but not a regular file.
	_, err := ReadFile(context.Background(), "/dev", "/dev/zero", 0)
	if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "device") {
		t.Fatalf("err = %v, want a device refused", err)
	}
}

func TestReadFileLongNameExcerpted(t *testing.T) {
	root := t.TempDir()
	_, err := ReadFile(context.Background(), root, "../"+strings.Repeat("x", 1<<20), 0)
	if err == nil || len(err.Error()) > 300 {
		t.Fatalf("err is %d bytes, want an excerpt: %.200v", len(err.Error()), err)
	}
}
