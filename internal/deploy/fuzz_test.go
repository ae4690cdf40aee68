package deploy

import (
	"strings"
	"testing"
)

// FuzzParseImage: --image never panics, and what it accepts is an oci:
// reference whose digest (if any) is sha256.
func FuzzParseImage(f *testing.F) {
	for _, s := range []string{"oci:/tmp/img", "oci:img@sha256:abc", "oci:", "registry/x:1", "oci:@", "oci:a@b@c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseImage(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(s, "oci:") || a.Layout == "" || a.Digest != "" && !strings.HasPrefix(a.Digest, "sha256:") {
			t.Fatalf("accepted %q as %+v", s, a)
		}
	})
}
