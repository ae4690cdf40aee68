package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// 40,000 keys in env: or secretEnv: are refused at their line with exit 2
// by every command that reads pinwheel.yaml, before anything is written.
func TestManyEnvKeysExitTwo(t *testing.T) {
	for _, key := range []string{"env", "secretEnv"} {
		for _, command := range []string{"check", "build"} {
			t.Run(key+"_"+command, func(t *testing.T) {
				dir := copyHello(t)
				cfg := filepath.Join(dir, "pinwheel.yaml")
				b, err := os.ReadFile(cfg)
				if err != nil {
					t.Fatal(err)
				}
				// Under hello's own env: (the keys come first), or a new secretEnv:.
				head, tail, ok := strings.Cut(string(b), "\n"+key+":\n")
				if !ok {
					head, tail = string(b), ""
				}
				var sb strings.Builder
				fmt.Fprintf(&sb, "%s\n%s:\n", head, key)
				line := strings.Count(sb.String(), "\n") + 1
				for i := range 40_000 {
					if key == "env" {
						fmt.Fprintf(&sb, "  K%d: v\n", i)
					} else {
						fmt.Fprintf(&sb, "  K%d: {fromEnv: X}\n", i)
					}
				}
				sb.WriteString(tail)
				os.WriteFile(cfg, []byte(sb.String()), 0o644)
				out := t.TempDir()
				code, _, stderr := runPinwheel(t, command, dir, "--output", "oci:"+filepath.Join(out, "img"))
				if command == "check" {
					code, _, stderr = runPinwheel(t, command, dir)
				}
				// 40,000 and, for env:, hello's own entries after ours.
				want := fmt.Sprintf("pinwheel.yaml:%d:3: %s: 400", line, key)
				if code != ExitUsage || !strings.Contains(stderr, want) || !strings.Contains(stderr, " keys, more than the 4096 allowed\n") || len(stderr) > 400 {
					t.Fatalf("exit %d, stderr %.400q; want 2 and %q", code, stderr, want)
				}
				if left, _ := os.ReadDir(out); len(left) != 0 {
					t.Errorf("wrote %v", left)
				}
			})
		}
	}
}
