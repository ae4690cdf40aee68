package lock

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// -r fan-out through symlinked directories reads each file once: six
// levels of 30 links each to the next level (30^6 spellings of the last
// file) cost seven reads, not 7×10^8.
func TestIncludeFanOutThroughSymlinkedDirsIsLinear(t *testing.T) {
	const depth, width = 6, 30
	root := t.TempDir()
	for i := 0; i <= depth; i++ {
		d := filepath.Join(root, fmt.Sprintf("d%d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		body := fmt.Sprintf("pkg%d==1\n", i)
		if i < depth {
			for j := range width {
				os.Symlink(fmt.Sprintf("../d%d", i+1), filepath.Join(d, fmt.Sprintf("l%d", j)))
				body += fmt.Sprintf("-r l%d/r.txt\n", j)
			}
		}
		os.WriteFile(filepath.Join(d, "r.txt"), []byte(body), 0o644)
	}
	top := filepath.Join(root, "d0", "r.txt")
	data, _ := os.ReadFile(top)
	reads := 0
	l, err := parseRequirementsWith(top, data, root, func(p string) ([]byte, error) {
		reads++
		if reads > 10*depth {
			t.Fatalf("%d reads and counting: the fan-out is not linear", reads)
		}
		return readInput(root, p)
	})
	if err != nil {
		t.Fatal(err)
	}
	if reads != depth {
		t.Errorf("%d includes read, want %d (each file once)", reads, depth)
	}
	if _, ok := l.Find(fmt.Sprintf("pkg%d", depth)); !ok || len(l.Packages) != depth+1 {
		t.Errorf("packages %d, want %d", len(l.Packages), depth+1)
	}

	// A file that includes itself through a link to its own directory is
	// a cycle, reported where the include is written.
	self := t.TempDir()
	os.Symlink(".", filepath.Join(self, "again"))
	os.WriteFile(filepath.Join(self, "r.txt"), []byte("a==1\n-r again/r.txt\n"), 0o644)
	_, err = ParseFileAs(filepath.Join(self, "r.txt"), FormatRequirements, WithRoot(self))
	want := "include cycle: " + filepath.Join(self, "r.txt") + " -> " + filepath.Join(self, "again", "r.txt")
	if !inputerr.Is(err) || !strings.Contains(err.Error(), filepath.Join(self, "r.txt")+":2:1: ") || !strings.Contains(err.Error(), want) {
		t.Fatalf("self-include through a link: %v, want %q", err, want)
	}
}
