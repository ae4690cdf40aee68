package container

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestDetectSaysWhatIsMissing(t *testing.T) {
	none := func(string) (string, error) { return "", exec.ErrNotFound }
	found := func(string) (string, error) { return "/usr/sbin/runc", nil }
	saved := runcPaths
	runcPaths = nil
	defer func() { runcPaths = saved }()
	cases := []struct {
		name string
		euid int
		look func(string) (string, error)
		want []string // substrings of the error; none: no error
	}{
		{"root_with_runc", 0, found, nil},
		{"not_root", 1000, found, []string{"missing root (running as uid 1000"}},
		{"no_runc", 0, none, []string{"missing runc (install Debian's runc"}},
		{"neither", 1000, none, []string{"root (running as uid 1000", " and runc"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := detect(c.euid, c.look)
			if c.want == nil {
				if err != nil || r.Binary != "/usr/sbin/runc" {
					t.Fatalf("detect = %+v, %v", r, err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrUnavailable) {
				t.Fatalf("detect = %v, want ErrUnavailable", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	// The fallback paths: a runc outside PATH is found there.
	dir := t.TempDir()
	bin := dir + "/runc"
	os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755)
	runcPaths = []string{dir + "/nope", bin}
	if r, err := detect(0, none); err != nil || r.Binary != bin {
		t.Errorf("fallback: %+v, %v", r, err)
	}
}
