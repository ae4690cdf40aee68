package lock

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustParse(t testing.TB, path string) *Lock {
	t.Helper()
	l, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestHashSameResolutionAcrossFormats(t *testing.T) {
	dir := filepath.Join("testdata", "hash", "same")
	want := Hash(mustParse(t, filepath.Join(dir, "uv.lock")))
	for _, name := range []string{"pylock.toml", "Pipfile.lock", "requirements.txt"} {
		t.Run(strings.ReplaceAll(name, ".", "_"), func(t *testing.T) {
			l := mustParse(t, filepath.Join(dir, name))
			if got := Hash(l); got != want {
				t.Errorf("Hash = %s, want %s (uv.lock)\n%s", got, want, strings.Join(canonicalLines(l), "\n"))
			}
		})
	}
}

// TestHashCrossformatFixtures checks the TOML formats' cross-format corpus:
// every lockfile in one testdata/crossformat/<case>/ directory hashes alike.
func TestHashCrossformatFixtures(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join("testdata", "crossformat", "*"))
	if len(cases) == 0 {
		t.Skip("no testdata/crossformat fixtures yet")
	}
	for _, dir := range cases {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			first, firstHash := "", ""
			for _, e := range entries {
				if _, ok := FormatOf(e.Name()); !ok || e.IsDir() {
					continue
				}
				h := Hash(mustParse(t, filepath.Join(dir, e.Name())))
				if first == "" {
					first, firstHash = e.Name(), h
				} else if h != firstHash {
					t.Errorf("%s hashes %s, %s hashes %s", e.Name(), h, first, firstHash)
				}
			}
		})
	}
}

func TestHashIgnoresFormattingAndOrder(t *testing.T) {
	for _, name := range []string{"Pipfile.lock", "requirements.txt"} {
		t.Run(strings.ReplaceAll(name, ".", "_"), func(t *testing.T) {
			a := mustParse(t, filepath.Join("testdata", "hash", "same", name))
			b := mustParse(t, filepath.Join("testdata", "hash", "reformatted", name))
			if Hash(a) != Hash(b) {
				t.Errorf("reformatted %s hashes differently", name)
			}
		})
	}
}

func TestHashChanges(t *testing.T) {
	base := mustParse(t, filepath.Join("testdata", "hash", "same", "uv.lock"))
	baseHash := Hash(base)
	tests := []struct {
		name    string
		mutate  func(l *Lock)
		changes bool
	}{
		{name: "version", changes: true, mutate: func(l *Lock) { pkg(l, "idna").Version = "3.11" }},
		{name: "artifact_hash", changes: true, mutate: func(l *Lock) { pkg(l, "idna").Artifacts[0].Hashes["sha256"] = strings.Repeat("0", 64) }},
		{name: "source_commit", changes: true, mutate: func(l *Lock) { pkg(l, "acme-lib").Source.Commit = strings.Repeat("a", 40) }},
		{name: "added_wheel", changes: true, mutate: func(l *Lock) {
			p := pkg(l, "idna")
			p.Artifacts = append(p.Artifacts, Artifact{Kind: ArtifactWheel, Name: "idna-3.10-py2-none-any.whl", Hashes: map[string]string{"sha256": strings.Repeat("1", 64)}})
		}},
		{name: "removed_package", changes: true, mutate: func(l *Lock) { l.Packages = l.Packages[1:] }},
		{name: "index_url", changes: true, mutate: func(l *Lock) { pkg(l, "idna").Source.URL = "https://mirror.example/simple" }},
		{name: "editable_path", changes: true, mutate: func(l *Lock) { pkg(l, "demo").Source.Path = "./other" }},
		{name: "line_numbers", mutate: func(l *Lock) { pkg(l, "idna").Line = 999 }},
		{name: "groups_marker_direct", mutate: func(l *Lock) {
			p := pkg(l, "idna")
			p.Groups, p.Marker, p.Direct = []string{"dev"}, "os_name == 'nt'", true
		}},
		{name: "package_order", mutate: func(l *Lock) {
			for i, j := 0, len(l.Packages)-1; i < j; i, j = i+1, j-1 {
				l.Packages[i], l.Packages[j] = l.Packages[j], l.Packages[i]
			}
		}},
		{name: "artifact_urls_and_sizes", mutate: func(l *Lock) {
			a := &pkg(l, "idna").Artifacts[0]
			a.URL, a.Size = "https://mirror.example/idna.tar.gz", 1
		}},
		{name: "version_spelling", mutate: func(l *Lock) { pkg(l, "idna").Version = "v3.10" }},
		{name: "index_url_spelling", mutate: func(l *Lock) { pkg(l, "idna").Source.URL = "HTTPS://PyPI.org/simple/" }},
		{name: "metadata", mutate: func(l *Lock) {
			l.Path, l.ContentHash, l.RequiresPython, l.Indexes = "x/uv.lock", "sha256:00", ">=3.12", nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := cloneLock(t, base)
			tt.mutate(l)
			if changed := Hash(l) != baseHash; changed != tt.changes {
				t.Errorf("hash changed = %v, want %v", changed, tt.changes)
			}
		})
	}
	if Hash(base) != baseHash {
		t.Fatal("mutations leaked into the base lock")
	}
	if !strings.HasPrefix(baseHash, "sha256:") || len(baseHash) != len("sha256:")+64 {
		t.Errorf("hash %q is not sha256:<64 hex>", baseHash)
	}
}

func pkg(l *Lock, name string) *Package {
	for i := range l.Packages {
		if l.Packages[i].Name == name {
			return &l.Packages[i]
		}
	}
	panic("no package " + name)
}

// BenchmarkHash hashes a 2,000-package lock with three wheels each.
func BenchmarkHash(b *testing.B) {
	l := syntheticLock(2000, 0)
	b.ReportAllocs()
	for b.Loop() {
		_ = Hash(l)
	}
}

func TestStrongestHashPreference(t *testing.T) {
	tests := []struct {
		name   string
		hashes map[string]string
		want   string
	}{
		{name: "sha256_first", hashes: map[string]string{"sha512": "bb", "sha256": "AA", "md5": "cc"}, want: "sha256:aa"},
		{name: "sha512_over_md5", hashes: map[string]string{"md5": "cc", "sha512": "bb"}, want: "sha512:bb"},
		{name: "unknown_algorithm", hashes: map[string]string{"whirlpool": "dd", "zz": "ee"}, want: "whirlpool:dd"},
		{name: "none", hashes: nil, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strongestHash(tt.hashes); got != tt.want {
				t.Errorf("strongestHash = %q, want %q", got, tt.want)
			}
		})
	}
}
