package v1alpha1

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// jsonFields lists the JSON paths of t's fields, recursing into structs,
// pointers and slices; leaf types (durations, times) stop the descent.
func jsonFields(t reflect.Type, prefix string, out *[]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeOf(time.Time{}) ||
		t == reflect.TypeOf(metav1.Time{}) || t == reflect.TypeOf(metav1.Duration{}) {
		return
	}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		path := prefix + "." + name
		*out = append(*out, path)
		jsonFields(f.Type, path, out)
	}
}

func fieldsOf(v any) []string {
	var out []string
	jsonFields(reflect.TypeOf(v), "", &out)
	slices.Sort(out)
	return out
}

// The API's mirrored types must carry every field of the engine's types
// under the same JSON name, and nothing else: a field added on one side
// only fails here.
func TestMirroredTypesMatch(t *testing.T) {
	tests := []struct {
		name      string
		api, core any
	}{
		{"Strategy", Strategy{}, rollout.Spec{}},
		{"BuildInfo", BuildInfo{}, attest.BuildInfo{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, core := fieldsOf(tt.api), fieldsOf(tt.core)
			for _, f := range core {
				if !slices.Contains(api, f) {
					t.Errorf("api type lacks %s", f)
				}
			}
			for _, f := range api {
				if !slices.Contains(core, f) {
					t.Errorf("api type has %s, which the engine's type lacks", f)
				}
			}
		})
	}
}
