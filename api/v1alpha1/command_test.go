package v1alpha1

import (
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/rollout"
)

func TestCommandAnnotationRoundTrip(t *testing.T) {
	in := rollout.Command{Kind: rollout.CommandResume, Step: 3, By: "ana@ci", Reason: "looks fine"}
	s, err := CommandAnnotation(in, "17")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseCommand(s)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "17" || got.Command != in {
		t.Fatalf("round trip: got %+v from %s", got, s)
	}
	for _, bad := range []string{`{"id":"1","kind":"explode"}`, `{"kind":"promote"}`, `not json`} {
		if _, err := ParseCommand(bad); err == nil || !strings.Contains(err.Error(), AnnotationCommand) {
			t.Errorf("ParseCommand(%s) = %v, want an error naming the annotation", bad, err)
		}
	}
	if _, err := CommandAnnotation(rollout.Command{Kind: "nope"}, "1"); err == nil {
		t.Error("unknown kind encoded")
	}
}
