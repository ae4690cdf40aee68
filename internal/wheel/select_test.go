package wheel

import (
	"errors"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
)

func linuxTarget(t *testing.T, arch, py string) pep.Target {
	t.Helper()
	tg, err := pep.ParseTarget("linux/"+arch, py)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func wheelArtifacts(names ...string) []lock.Artifact {
	var out []lock.Artifact
	for _, n := range names {
		kind := lock.ArtifactWheel
		if !strings.HasSuffix(n, ".whl") {
			kind = lock.ArtifactSdist
		}
		out = append(out, lock.Artifact{Kind: kind, Name: n, Hashes: map[string]string{"sha256": strings.Repeat("a", 64)}})
	}
	return out
}

func TestSelect(t *testing.T) {
	numpy := []string{
		"numpy-2.1.0-cp311-cp311-macosx_14_0_arm64.whl",
		"numpy-2.1.0-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
		"numpy-2.1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"numpy-2.1.0-cp311-cp311-musllinux_1_1_x86_64.whl",
		"numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"numpy-2.1.0-cp311-cp311-win_amd64.whl",
		"numpy-2.1.0.tar.gz",
	}
	tests := []struct {
		name    string
		pkg     lock.Package
		arch    string
		py      string
		want    string
		wantErr string
	}{
		{name: "manylinux_x86_64_py311", pkg: lock.Package{Name: "numpy", Version: "2.1.0", Artifacts: wheelArtifacts(numpy...)}, arch: "amd64", py: "3.11",
			want: "numpy-2.1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"},
		{name: "manylinux_aarch64", pkg: lock.Package{Name: "numpy", Version: "2.1.0", Artifacts: wheelArtifacts(numpy...)}, arch: "arm64", py: "3.11",
			want: "numpy-2.1.0-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl"},
		{name: "py312_picks_cp312", pkg: lock.Package{Name: "numpy", Version: "2.1.0", Artifacts: wheelArtifacts(numpy...)}, arch: "amd64", py: "3.12",
			want: "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"},
		{name: "no_fit_names_wheels", pkg: lock.Package{Name: "numpy", Version: "2.1.0", Artifacts: wheelArtifacts(numpy...)}, arch: "amd64", py: "3.13",
			wantErr: "no wheel for"},
		{name: "binary_beats_pure", pkg: lock.Package{Name: "pyyaml", Version: "6.0.2", Artifacts: wheelArtifacts(
			"PyYAML-6.0.2-py3-none-any.whl", "PyYAML-6.0.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")}, arch: "amd64", py: "3.11",
			want: "PyYAML-6.0.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"},
		{name: "higher_build_tag_wins", pkg: lock.Package{Name: "demo", Version: "1.0", Artifacts: wheelArtifacts(
			"demo-1.0-2-py3-none-any.whl", "demo-1.0-10-py3-none-any.whl", "demo-1.0-py3-none-any.whl")}, arch: "amd64", py: "3.11",
			want: "demo-1.0-10-py3-none-any.whl"},
		{name: "url_artifact_without_name", pkg: lock.Package{Name: "demo", Version: "1.0", Source: lock.Source{Kind: lock.SourceURL},
			Artifacts: []lock.Artifact{{Kind: lock.ArtifactArchive, URL: "https://h.test/x/demo-1.0-py3-none-any.whl#sha256=00"}}}, arch: "amd64", py: "3.11",
			want: "demo-1.0-py3-none-any.whl"},
		{name: "sdist_only", pkg: lock.Package{Name: "legacy", Version: "0.1", Artifacts: wheelArtifacts("legacy-0.1.tar.gz")}, arch: "amd64", py: "3.11",
			wantErr: "only source distributions (legacy-0.1.tar.gz) and pinwheel does not build from source: build a wheel"},
		{name: "git_source", pkg: lock.Package{Name: "tool", Version: "1.0", Source: lock.Source{Kind: lock.SourceGit, URL: "https://git.test/tool"}}, arch: "amd64", py: "3.11",
			wantErr: "git source, which needs a source build"},
		{name: "wrong_distribution_in_lock", pkg: lock.Package{Name: "demo", Version: "1.0", Artifacts: wheelArtifacts("other-1.0-py3-none-any.whl")}, arch: "amd64", py: "3.11",
			wantErr: "different distribution or version"},
		{name: "hash_only", pkg: lock.Package{Name: "demo", Version: "1.0", Artifacts: []lock.Artifact{{Kind: lock.ArtifactUnknown, Hashes: map[string]string{"sha256": "ab"}}}}, arch: "amd64", py: "3.11",
			wantErr: ErrHashOnly.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Select(tt.pkg, linuxTarget(t, tt.arch, tt.py))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Name != tt.want {
				t.Errorf("selected %s, want %s", a.Name, tt.want)
			}
		})
	}
}

func TestSelectListedOnlyAllowsLockedHashes(t *testing.T) {
	pkg := lock.Package{Name: "demo", Version: "1.0", Artifacts: []lock.Artifact{
		{Kind: lock.ArtifactUnknown, Hashes: map[string]string{"sha256": "aa"}},
		{Kind: lock.ArtifactUnknown, Hashes: map[string]string{"sha256": "bb"}},
	}}
	listed := []Listed{
		{Filename: "demo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", URL: "u1", Hashes: map[string]string{"sha256": "ff"}}, // better fit, not locked
		{Filename: "demo-1.0-py3-none-any.whl", URL: "u2", Hashes: map[string]string{"sha256": "BB"}},
		{Filename: "demo-1.0.tar.gz", URL: "u3", Hashes: map[string]string{"sha256": "aa"}},
	}
	a, err := SelectListed(pkg, linuxTarget(t, "amd64", "3.11"), listed)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "demo-1.0-py3-none-any.whl" || a.URL != "u2" || a.Hashes["sha256"] != "bb" {
		t.Errorf("selected %+v", a)
	}
	_, err = SelectListed(pkg, linuxTarget(t, "amd64", "3.11"), listed[:1])
	var nw *NoWheelError
	if !errors.As(err, &nw) || len(nw.Mismatched) != 1 || !strings.Contains(err.Error(), "hash mismatch: demo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl (sha256:ff)") {
		t.Errorf("err = %v, want NoWheelError naming the mismatching file and its hash", err)
	}
	// Only the sdist has a locked hash: no wheel, but a source to build.
	_, err = SelectListed(pkg, linuxTarget(t, "amd64", "3.11"), listed[2:])
	if !errors.As(err, &nw) || len(nw.Sdists) != 1 || nw.Sdists[0] != "demo-1.0.tar.gz" || len(nw.Mismatched) != 0 {
		t.Errorf("sdist only: err = %v (%+v), want NoWheelError listing demo-1.0.tar.gz", err, nw)
	}
	// Nothing of this release listed: absent, not a mismatch.
	_, err = SelectListed(pkg, linuxTarget(t, "amd64", "3.11"), []Listed{{Filename: "other-1.0-py3-none-any.whl", Hashes: map[string]string{"sha256": "cc"}}})
	if !errors.As(err, &nw) || len(nw.Mismatched)+len(nw.Sdists)+len(nw.Wheels) != 0 {
		t.Errorf("nothing listed: err = %v (%+v)", err, nw)
	}
}

func TestSelectUnpinned(t *testing.T) {
	target, err := pep.ParseTarget("linux/amd64", "3.11")
	if err != nil {
		t.Fatal(err)
	}
	p := lock.Package{Name: "demo", Version: "1.0", Source: lock.Source{Kind: lock.SourceRegistry}}
	if _, err := Select(p, target); !errors.Is(err, ErrUnpinned) {
		t.Fatalf("Select of a package with no files or hashes: err = %v, want ErrUnpinned", err)
	}
	listed := []Listed{
		{Filename: "demo-1.0.tar.gz"},
		{Filename: "demo-2.0-py3-none-any.whl"},
		{Filename: "demo-1.0-py3-none-any.whl", URL: "file:///wh/demo-1.0-py3-none-any.whl"},
		{Filename: "demo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"},
		{Filename: "other-1.0-py3-none-any.whl"},
	}
	a, err := SelectUnpinned(p, target, listed)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "demo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl" || len(a.Hashes) != 0 {
		t.Errorf("SelectUnpinned = %+v, want the best-fitting 1.0 wheel, no hash", a)
	}
	if _, err := SelectUnpinned(p, target, listed[:2]); err == nil {
		t.Error("SelectUnpinned picked a wheel of another version")
	}
}
