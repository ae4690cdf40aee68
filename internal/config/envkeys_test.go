package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func withEnv(n int, extra string) string {
	var b strings.Builder
	b.WriteString("service: svc\nbase: oci:base\nentrypoint: [\"python\"]\nenv:\n")
	for i := range n {
		fmt.Fprintf(&b, "  K%d: \"v%d\"\n", i, i)
	}
	b.WriteString(extra)
	return b.String()
}

// env: and labels: decode in linear time; too many keys or a duplicate is
// an input error at the file position.
func TestEnvKeys(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string // want "" for success
	}{
		{"at_the_limit", withEnv(MaxMapKeys, ""), ""},
		{"over_the_limit", withEnv(40_000, ""), fmt.Sprintf("pinwheel.yaml:5:3: env: 40000 keys, more than the %d allowed", MaxMapKeys)},
		{"duplicate", withEnv(3, "  K1: again\n"), "pinwheel.yaml:8:3: env: duplicate key \"K1\""},
		{"nested_value", withEnv(1, "  K9: {a: b}\n"), "pinwheel.yaml:6:7: env: expected string keys and values, got a mapping"},
		{"null_value_is_empty", withEnv(1, "  EMPTY:\n"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("pinwheel.yaml", []byte(tc.src))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if v, ok := c.Env["K0"]; !ok || v != "v0" {
					t.Fatalf("env K0 = %q, %v", v, ok)
				}
				return
			}
			if !inputerr.Is(err) || err.Error() != tc.want {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// Snapshot keeps every key and no env value.
func TestSnapshotHashesEnvValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	os.WriteFile(path, []byte(withEnv(MaxMapKeys, "labels: {team: shop}\n")), 0o644)
	snap, err := Snapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	env := snap["env"].(map[string]any)
	if len(env) != MaxMapKeys || env["K7"] != ValueDigest("v7") || snap["labels"].(map[string]any)["team"] != "shop" {
		t.Fatalf("snapshot env K7 = %v (%d keys), labels %v", env["K7"], len(env), snap["labels"])
	}
	if ValueDigest("v7") == ValueDigest("v8") || !strings.HasPrefix(ValueDigest("v7"), "sha256:") {
		t.Fatal("digests do not tell values apart")
	}
}
