package kube

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Any release ID maps to a valid label value, the same one every time, and
// valid label values map to themselves.
func FuzzRevisionLabel(f *testing.F) {
	for _, s := range []string{"v2", "sha256:abc", "shop/v2", "", "-", "a.b_c-d", "ü", "x----------------------------------------------------------------y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		got := RevisionLabel(id)
		if errs := validation.IsValidLabelValue(got); len(errs) > 0 || got == "" {
			t.Fatalf("RevisionLabel(%q) = %q: %v", id, got, errs)
		}
		if RevisionLabel(id) != got {
			t.Fatal("not deterministic")
		}
		if id != "" && len(validation.IsValidLabelValue(id)) == 0 && got != id {
			t.Fatalf("valid label %q became %q", id, got)
		}
	})
}
