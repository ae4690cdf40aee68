package container

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestSpec(t *testing.T) {
	cfg := v1.Config{
		Entrypoint: []string{"python3", "-m", "hello"}, Cmd: []string{"--port", "8000"},
		Env: []string{"PATH=/opt/venv/bin:/usr/bin", "PORT=8000"}, WorkingDir: "/app",
	}
	u := User{UID: 65532, GID: 65532, Home: "/home/nonroot"}
	cases := []struct {
		name     string
		proc     Process
		lim      Limits
		wantArgs []string
		wantEnv  []string
		wantCwd  string
	}{
		{"image_defaults", Process{}, Limits{}, []string{"python3", "-m", "hello", "--port", "8000"},
			[]string{"PATH=/opt/venv/bin:/usr/bin", "PORT=8000", "HOME=/home/nonroot"}, "/app"},
		{"command_replaces_entrypoint_and_cmd", Process{Args: []string{"python3", "-V"}}, Limits{}, []string{"python3", "-V"}, nil, "/app"},
		{"env_overrides_and_adds", Process{Env: []string{"PORT=9000", "HOME=/tmp", "X=1"}}, Limits{}, nil,
			[]string{"PATH=/opt/venv/bin:/usr/bin", "PORT=9000", "HOME=/tmp", "X=1"}, "/app"},
		{"workdir", Process{WorkDir: "tmp"}, Limits{}, nil, nil, "/tmp"},
		{"limits", Process{}, Limits{MemoryBytes: 64 << 20, Pids: 50, CPUs: 0.5, NoFile: 1024}, nil, nil, "/app"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Spec(cfg, "/cache/rootfs", u, c.proc, c.lim)
			if c.wantArgs != nil && !slices.Equal(s.Process.Args, c.wantArgs) {
				t.Errorf("args = %q, want %q", s.Process.Args, c.wantArgs)
			}
			if c.wantEnv != nil && !slices.Equal(s.Process.Env, c.wantEnv) {
				t.Errorf("env = %q, want %q", s.Process.Env, c.wantEnv)
			}
			if s.Process.Cwd != c.wantCwd {
				t.Errorf("cwd = %q, want %q", s.Process.Cwd, c.wantCwd)
			}
			if !s.Root.Readonly || s.Root.Path != "/cache/rootfs" || !s.Process.NoNewPrivileges || s.Process.Terminal {
				t.Errorf("root %+v, noNewPrivileges %v, terminal %v", s.Root, s.Process.NoNewPrivileges, s.Process.Terminal)
			}
			if caps := s.Process.Capabilities; len(caps.Bounding)+len(caps.Effective)+len(caps.Permitted)+len(caps.Ambient)+len(caps.Inheritable) != 0 {
				t.Errorf("capabilities %+v, want none", caps)
			}
			if s.Process.User.UID != 65532 || s.Process.User.GID != 65532 {
				t.Errorf("user %+v", s.Process.User)
			}
			var ns []string
			for _, n := range s.Linux.Namespaces {
				ns = append(ns, string(n.Type))
			}
			if slices.Contains(ns, "network") || !slices.Contains(ns, "mount") || !slices.Contains(ns, "pid") {
				t.Errorf("namespaces %v: want mount and pid, host network", ns)
			}
			var tmp bool
			for _, m := range s.Mounts {
				tmp = tmp || (m.Destination == "/tmp" && m.Type == "tmpfs")
			}
			if !tmp {
				t.Error("no tmpfs /tmp")
			}
			r := s.Linux.Resources
			if c.lim.MemoryBytes > 0 && (r.Memory == nil || *r.Memory.Limit != c.lim.MemoryBytes) {
				t.Errorf("memory %+v", r.Memory)
			}
			if c.lim.MemoryBytes == 0 && (r.Memory != nil || r.Pids != nil || r.CPU != nil || s.Process.Rlimits != nil) {
				t.Errorf("limits set though none were asked: %+v, %+v", r, s.Process.Rlimits)
			}
			if c.lim.Pids > 0 && (*r.Pids.Limit != 50 || *r.CPU.Quota != 50_000 || *r.CPU.Period != 100_000 || s.Process.Rlimits[0].Hard != 1024) {
				t.Errorf("pids %+v cpu %+v rlimits %+v", r.Pids, r.CPU, s.Process.Rlimits)
			}
		})
	}
}

func TestResolveUser(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65533:nonroot:/home/nonroot:/sbin/nologin\nshort:x\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc", "group"), []byte("root:x:0:\nstaff:x:50:\n"), 0o644)
	cases := []struct {
		name, spec string
		want       User
		wantErr    string
	}{
		{"empty_is_root", "", User{0, 0, "/root"}, ""},
		{"uid_in_passwd", "65532", User{65532, 65533, "/home/nonroot"}, ""},
		{"uid_not_in_passwd", "1234", User{1234, 0, "/"}, ""},
		{"name", "nonroot", User{65532, 65533, "/home/nonroot"}, ""},
		{"uid_gid", "65532:7", User{65532, 7, "/home/nonroot"}, ""},
		{"name_group", "nonroot:staff", User{65532, 50, "/home/nonroot"}, ""},
		{"unknown_name", "nobody", User{}, "no such user"},
		{"unknown_group", "nonroot:wheel", User{}, "no such group"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, err := ResolveUser(context.Background(), root, c.spec)
			if c.wantErr != "" {
				if err == nil || !IsInput(err) || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want an input error with %q", err, c.wantErr)
				}
				return
			}
			if err != nil || u != c.want {
				t.Fatalf("ResolveUser(%q) = %+v, %v; want %+v", c.spec, u, err, c.want)
			}
		})
	}
	// A passwd that is a link out of the rootfs is not read.
	evil := t.TempDir()
	os.MkdirAll(filepath.Join(evil, "etc"), 0o755)
	os.Symlink(filepath.Join(root, "etc", "passwd"), filepath.Join(evil, "etc", "passwd"))
	if _, err := ResolveUser(context.Background(), evil, "nonroot"); err == nil {
		t.Error("followed /etc/passwd out of the rootfs")
	}
}
