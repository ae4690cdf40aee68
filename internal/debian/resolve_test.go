package debian

import (
	"context"
	"strings"
	"sync"
	"testing"
)

const resolvePackages = `Package: app
Version: 1.0
Architecture: amd64
Depends: libfoo (>= 2) | libfoo-compat, mail-transport-agent, libbar:any (>= 1.5), debconf (>= 0.5) | debconf-2.0

Package: libfoo
Version: 1.9
Architecture: amd64

Package: libfoo
Version: 2.1
Architecture: amd64
Pre-Depends: libc6 (>= 2.36)

Package: libfoo
Version: 2.0
Architecture: amd64

Package: libfoo-compat
Version: 1
Architecture: amd64

Package: libc6
Version: 2.36-9
Architecture: amd64

Package: exim4
Version: 4.96
Architecture: amd64
Provides: mail-transport-agent

Package: postfix
Version: 3.7
Architecture: amd64
Provides: mail-transport-agent

Package: libbar-ng
Version: 7
Architecture: all
Provides: libbar (= 1.6)

Package: libbar-old
Version: 9
Architecture: all
Provides: libbar

Package: bash
Version: 5.2
Architecture: amd64
Essential: yes

Package: shell-user
Version: 1
Architecture: all
Depends: bash (>= 5)

Package: broken
Version: 1
Architecture: amd64
Depends: app, libc6 (>= 3)

Package: arm-only
Version: 1
Architecture: arm64
`

func loadString(t *testing.T, s string) *Index {
	t.Helper()
	pkgs, err := ParsePackages(strings.NewReader(s), "Packages")
	if err != nil {
		t.Fatal(err)
	}
	return &Index{Packages: pkgs}
}

func names(ps []*Package) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name+"="+p.Version.String())
	}
	return strings.Join(out, " ")
}

func TestResolve(t *testing.T) {
	idx := loadString(t, resolvePackages)
	tests := []struct {
		name    string
		req     Request
		want    string
		wantErr string
	}{
		{"closure", Request{Packages: []string{"app"}, Exclude: []string{"debconf"}},
			"app=1.0 exim4=4.96 libbar-ng=7 libc6=2.36-9 libfoo=2.1", ""},
		{"requested_version_wins", Request{Packages: []string{"libfoo (<< 2.1)"}}, "libfoo=2.0", ""},
		{"already_chosen_provider", Request{Packages: []string{"postfix", "app"}, Exclude: []string{"debconf"}},
			"app=1.0 libbar-ng=7 libc6=2.36-9 libfoo=2.1 postfix=3.7", ""},
		{"alternative_when_first_fails", Request{Packages: []string{"libfoo (<< 2)", "app"}, Exclude: []string{"debconf"}},
			"app=1.0 exim4=4.96 libbar-ng=7 libfoo=1.9 libfoo-compat=1", ""},
		{"missing_package", Request{Packages: []string{"nope"}}, "", "no package nope in the index for amd64"},
		{"wrong_arch", Request{Packages: []string{"arm-only"}}, "", "no package arm-only"},
		{"unsatisfiable_chain", Request{Packages: []string{"broken"}, Exclude: []string{"debconf"}}, "",
			"Packages:57: broken 1 depends on libc6 (>= 3): no version of libc6 satisfies >= 3 (the index has 2.36-9) (needed by broken)"},
		{"unsatisfiable_deep", Request{Packages: []string{"app"}}, "",
			"depends on debconf (>= 0.5) | debconf-2.0: no package debconf in the index for amd64 (needed by app)"},
		{"essential_skipped", Request{Packages: []string{"shell-user"}}, "shell-user=1", ""},
		{"essential_requested", Request{Packages: []string{"shell-user", "bash"}}, "bash=5.2 shell-user=1", ""},
		{"bad_request", Request{Packages: []string{"a | b"}}, "", "want a name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Arch = "amd64"
			res, err := Resolve(idx, tt.req)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := names(res.Packages); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

var aptLists = sync.OnceValues(func() (*Index, error) {
	return Load(context.Background(), Source{Index: "/var/lib/apt/lists", Suite: "bookworm", Arch: "amd64"})
})

// realIndex is the machine's apt index (after apt-get update), verified
// from the signed InRelease files down.
func realIndex(t *testing.T) *Index {
	t.Helper()
	realInRelease(t)
	idx, err := aptLists()
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

func TestResolveRealIndex(t *testing.T) {
	idx := realIndex(t)
	res, err := Resolve(idx, Request{Packages: []string{"python3.11-minimal", "libpython3.11-stdlib"}, Arch: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Packages
	have := map[string]*Package{}
	for _, p := range got {
		have[p.Name] = p
	}
	for _, want := range []string{"python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib", "libc6", "libexpat1", "zlib1g", "libssl3", "libffi8", "media-types"} {
		if have[want] == nil {
			t.Errorf("closure lacks %s: %s", want, names(got))
		}
	}
	for _, unwanted := range []string{"bash", "dpkg", "coreutils", "perl-base", "python3.11"} {
		if have[unwanted] != nil {
			t.Errorf("closure pulled %s, which nothing in it depends on", unwanted)
		}
	}
	for _, p := range got {
		if p.Filename == "" || len(p.SHA256) != 64 || p.Size <= 0 {
			t.Errorf("%s has no file facts: %+v", p.Name, p)
		}
	}
	if !strings.Contains(strings.Join(res.Skipped, "\n"), "dpkg (Essential; needed by readline-common)") {
		t.Errorf("skipped = %q, want dpkg noted as an Essential dependency left out", res.Skipped)
	}
	t.Logf("%d packages: %s; skipped %s", len(got), names(got), res.Skipped)
}
