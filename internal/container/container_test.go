package container

import (
	"regexp"
	"strings"
	"testing"
)

func TestContainerIDNamesTheContainerAndIsUnique(t *testing.T) {
	valid := regexp.MustCompile(`^[\w+\-.]+$`) // what runc accepts
	seen := map[string]bool{}
	for _, name := range []string{"", "shop-shop-2-1", "a/b c:d", strings.Repeat("x", 200)} {
		for i := 0; i < 50; i++ {
			id := containerID(name)
			if !valid.MatchString(id) || len(id) > 100 || !strings.HasPrefix(id, "pinwheel-") {
				t.Fatalf("containerID(%q) = %q", name, id)
			}
			if seen[id] {
				t.Fatalf("containerID(%q) repeated %q", name, id)
			}
			seen[id] = true
		}
	}
	if id := containerID("shop-shop-2-1"); !strings.HasPrefix(id, "pinwheel-shop-shop-2-1-") {
		t.Errorf("id %q does not name the replica", id)
	}
}
