package refresh

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/lock"
)

func TestRelockArgv(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "requirements.in"), []byte("requests\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ups := []Update{{Package: "requests", To: "2.32.3"}, {Package: "django", To: "5.0.0"}}
	tests := []struct {
		format lock.Format
		file   string
		want   string
	}{
		{lock.FormatUV, "uv.lock", "uv lock --upgrade-package requests==2.32.3 --upgrade-package django==5.0.0"},
		{lock.FormatPoetry, "poetry.lock", "poetry update --lock requests django"},
		{lock.FormatPDM, "pdm.lock", "pdm update --update-reuse --no-sync requests django"},
		{lock.FormatRequirements, "requirements.txt", "pip-compile --upgrade-package requests==2.32.3 --upgrade-package django==5.0.0 --output-file requirements.txt requirements.in"},
		{lock.FormatRequirements, "prod.txt", "pip-compile --upgrade-package requests==2.32.3 --upgrade-package django==5.0.0 --output-file prod.txt"},
	}
	for _, tt := range tests {
		r, err := RelockArgv(tt.format, filepath.Join(dir, tt.file), ups)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(r.Argv, " "); got != tt.want || r.Dir != dir || r.Tool != r.Argv[0] {
			t.Errorf("%s: %q in %s, want %q", tt.format, got, r.Dir, tt.want)
		}
	}
	r, err := RelockArgv(lock.FormatPipfile, filepath.Join(dir, "Pipfile.lock"), ups)
	if err != nil || r.Unsupported == "" || len(r.Argv) != 0 {
		t.Errorf("Pipfile.lock: %+v %v", r, err)
	}
}

func TestRelockNotInstalledRunsNothingAndSaysSo(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no uv here
	r, err := RelockArgv(lock.FormatUV, "/proj/uv.lock", []Update{{Package: "requests", To: "2.32.3"}})
	if err != nil {
		t.Fatal(err)
	}
	r.Detect()
	if err := r.Run(context.Background()); err != nil || r.Installed || r.Ran {
		t.Fatalf("run %+v: %v", r, err)
	}
	got := relockText(r)
	if !strings.Contains(got, "uv is not installed here; run in /proj:\n  uv lock --upgrade-package requests==2.32.3") {
		t.Errorf("text %q", got)
	}
	p := &Plan{Relock: r}
	var b strings.Builder
	_ = p.WriteMarkdown(&b)
	if !strings.Contains(b.String(), "**Not re-locked:** `uv` is not installed") || !strings.Contains(b.String(), "```\nuv lock --upgrade-package requests==2.32.3\n```") {
		t.Errorf("markdown %s", b.String())
	}
}

// TestRelockRunsTheToolWhenInstalled puts a tiny stand-in for uv on PATH
// (no lock tool is installed here) that records its arguments and working
// directory, to prove the real exec path passes argv and Dir through.
func TestRelockRunsTheToolWhenInstalled(t *testing.T) {
	bin, proj := t.TempDir(), t.TempDir()
	script := "#!/bin/sh\nprintf '%s\\n' \"$PWD\" \"$@\" > args.txt\necho Resolved 3 packages\n"
	if err := os.WriteFile(filepath.Join(bin, "uv"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	r, _ := RelockArgv(lock.FormatUV, filepath.Join(proj, "uv.lock"), []Update{{Package: "a", To: "1"}, {Package: "b", To: "2.0"}})
	r.Detect()
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(proj, "args.txt"))
	want := []string{proj, "lock", "--upgrade-package", "a==1", "--upgrade-package", "b==2.0"}
	if got := strings.Split(strings.TrimSpace(string(data)), "\n"); !slices.Equal(got, want) {
		t.Errorf("uv saw %q, want %q", got, want)
	}
	if !r.Ran || !strings.Contains(r.Output, "Resolved 3 packages") || !strings.HasPrefix(relockText(r), "re-locked with uv") {
		t.Errorf("relock %+v", r)
	}
}

func TestIndexes(t *testing.T) {
	l := &lock.Lock{Indexes: []lock.Index{{URL: "../wheelhouse"}, {URL: "https://corp.example/simple/"}}}
	got, err := Indexes(l, "", nil)
	if err != nil || len(got) != 1 || got[0].String() != "https://corp.example/simple/" {
		t.Errorf("from the lock: %v %v", got, err)
	}
	got, err = Indexes(l, "http://a.example/simple/", []string{"http://b.example/simple/"})
	if err != nil || len(got) != 2 || got[0].Host != "a.example" || got[1].Host != "b.example" {
		t.Errorf("given: %v %v", got, err)
	}
	if got, _ := Indexes(&lock.Lock{}, "", nil); len(got) != 1 || got[0].Host != "pypi.org" {
		t.Errorf("default: %v", got)
	}
	if _, err := Indexes(l, "file:///srv/simple", nil); err == nil || !strings.Contains(err.Error(), "want an http(s) URL") {
		t.Errorf("file index: %v", err)
	}
}

func TestOnePerNameKeepsTheHighestLockedVersion(t *testing.T) {
	got := onePerName([]lock.Package{
		reg("numpy", "1.26.4", ""), reg("attrs", "23.1.0", ""), reg("numpy", "2.0.1", ""), reg("numpy", "1.24.0", ""),
		{Name: "svc", Source: lock.Source{Kind: lock.SourceEditable, Path: "."}},
	})
	var s []string
	for _, p := range got {
		s = append(s, p.Name+"=="+p.Version)
	}
	if strings.Join(s, " ") != "numpy==2.0.1 attrs==23.1.0" {
		t.Errorf("got %v", s)
	}
}
