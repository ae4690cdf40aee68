package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
)

// TestSelectUnknownGroupAtLine: a group pinwheel.yaml names that the lock
// lacks is an input error at that item's line, listing the lock's groups.
func TestSelectUnknownGroupAtLine(t *testing.T) {
	yaml := "service: shop\ngroups:\n  - serve\n  - prod\nextras: [postgres]\n"
	c, err := Parse(filepath.Join("svc", FileName), []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	l := &lock.Lock{Format: lock.FormatUV, Path: "svc/uv.lock", Groups: []string{"dev", "serve"}, Extras: []string{"postgres"}}
	_, err = c.Select(l)
	var ie *inputerr.Error
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an input error", err)
	}
	if ie.Line != 4 || !strings.Contains(err.Error(), `"prod"`) || !strings.Contains(err.Error(), "dev, serve") {
		t.Errorf("err = %v (line %d), want line 4 naming prod and listing dev, serve", err, ie.Line)
	}
	c.Groups = []string{"serve"}
	c.Extras = []string{"mysql"}
	_, err = c.Select(l)
	if !errors.As(err, &ie) || ie.Line != 5 || !strings.Contains(err.Error(), "extras: postgres") {
		t.Errorf("err = %v, want line 5 listing the extras", err)
	}
}
