package deploy

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
)

func TestRecreate(t *testing.T) {
	full := attest.BuildInfo{Service: "shop", Version: "2.0.0", GitCommit: "5208f5ec14d9537a81449cbd7714cd81abd1e1d8",
		GitSource: "https://git.example/shop.git", LockHash: "sha256:c661", LockFormat: "pylock.toml",
		BaseDigest: "sha256:d1b8", ImageDigest: "sha256:6cc4", BuilderVersion: "v0.3.0"}
	for _, tc := range []struct {
		name    string
		rel     ledger.Release
		want    []string
		missing []string
	}{
		{
			name: "built_image",
			rel:  ledger.Release{Facts: changes.Facts{ID: "shop-2", Service: "shop", Info: full, ImageRef: "oci:/srv/images/shop-v2@sha256:6cc4", Config: json.RawMessage(`{"lockfile":"pylock.toml"}`)}},
			want: []string{
				`git clone -q https://git.example/shop.git "$work/shop" && cd "$work/shop"`,
				"git checkout --detach 5208f5ec14d9537a81449cbd7714cd81abd1e1d8",
				`test "$(pinwheel lock hash pylock.toml)" = sha256:c661`,
				"pinwheel verify-reproducible . --against oci:/srv/images/shop-v2@sha256:6cc4",
				"pinwheel build . --output oci:shop-2",
				"pinwheel deploy . --image oci:shop-2",
			},
		},
		{
			name:    "source_run_without_git",
			rel:     ledger.Release{Facts: changes.Facts{ID: "shop-1", Service: "shop", Info: attest.BuildInfo{Service: "shop", LockHash: "sha256:c661", LockFormat: "pylock.toml"}, Config: json.RawMessage(`{"lockfile":"locks/pylock.toml"}`)}},
			want:    []string{`git clone -q "${SOURCE:-$(git rev-parse --show-toplevel)}" "$work/shop" && cd "$work/shop"`, `test "$(pinwheel lock hash locks/pylock.toml)" = sha256:c661`, "pinwheel build . --output oci:shop-1"},
			missing: []string{"git source URL", "git commit", "image (the release ran from source)"},
		},
		{
			name:    "dirty_tree",
			rel:     ledger.Release{Facts: changes.Facts{ID: "shop-3", Service: "shop", Info: attest.BuildInfo{Service: "shop", GitCommit: "abc", GitDirty: true, GitSource: "/srv/git/shop"}}},
			want:    []string{`git clone -q /srv/git/shop "$work/shop" && cd "$work/shop"`, "git checkout --detach abc"},
			missing: []string{"git source URL", "uncommitted changes (the build was made from a dirty tree)", "lock hash"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Recreate(tc.rel)
			var cmds []string
			for _, s := range r.Steps {
				cmds = append(cmds, s.Command)
			}
			for _, w := range tc.want {
				if !contains(cmds, w) {
					t.Errorf("no command %q in\n%s", w, strings.Join(cmds, "\n"))
				}
			}
			for _, m := range tc.missing {
				if m == "git source URL" && tc.rel.Info.GitSource != "" {
					if contains(r.Missing, m) {
						t.Errorf("missing names %q although it was recorded", m)
					}
					continue
				}
				if !contains(r.Missing, m) {
					t.Errorf("Missing = %q, want it to name %q", r.Missing, m)
				}
			}
			var buf bytes.Buffer
			WriteRecipe(&buf, r)
			if !strings.HasPrefix(buf.String(), "# recreate "+tc.rel.ID) || !strings.Contains(buf.String(), "set -e\n") {
				t.Errorf("script:\n%s", buf.String())
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"https://git.example/shop.git": "https://git.example/shop.git",
		"/srv/my repo":                 `'/srv/my repo'`,
		"it's":                         `'it'\''s'`,
		"":                             "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
