package config

import (
	"strconv"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// rolloutSpec parses doc as pinwheel.yaml and returns its rollout spec.
func rolloutSpec(t *testing.T, doc string) (rollout.Spec, error) {
	t.Helper()
	c, err := Parse("pinwheel.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return c.RolloutSpec()
}

func TestRolloutSpec(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		wantLine int
		wantMsg  string
	}{
		{"valid", "service: x\nrollout:\n  steps:\n    - setWeight: 20\n    - analysis: {checks: [err]}\n  checks:\n    - {name: err, kind: threshold, query: error_rate, max: 0.05}\n", 0, ""},
		{"unknownKey", "service: x\nrollout:\n  steps:\n    - setWeight: 20\n      bogus: 1\n", 5, `unknown key "bogus"`},
		{"unknownCheck", "service: x\nrollout:\n  steps:\n    - setWeight: 20\n    - analysis:\n        checks: [latency]\n", 6, `unknown check "latency"`},
		{"badWeight", "service: x\nrollout:\n  steps:\n    - setWeight: 20\n    - setWeight: 120\n", 5, "steps[1]"},
		{"wrongType", "service: x\nrollout:\n  steps:\n    - setWeight: twenty\n", 4, "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, err := rolloutSpec(t, tt.doc)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if len(spec.Steps) != 2 || *spec.Steps[0].SetWeight != 20 || spec.Checks[0].Name != "err" {
					t.Fatalf("decoded spec = %+v", spec)
				}
				return
			}
			if err == nil {
				t.Fatalf("want error containing %q", tt.wantMsg)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("error %q lacks %q", err, tt.wantMsg)
			}
			if !strings.Contains(err.Error(), "pinwheel.yaml:"+strconv.Itoa(tt.wantLine)) {
				t.Fatalf("error %q does not point at line %d", err, tt.wantLine)
			}
			if !inputerr.Is(err) {
				t.Fatalf("error %T is not an input error", err)
			}
		})
	}
}

// At names the deepest written part of a field path: a key, a list item,
// or the section itself; ValueAt only what was written.
func TestRolloutPositions(t *testing.T) {
	c, err := Parse("pinwheel.yaml", []byte("service: x\nrollout:\n  steps:\n    - setWeight: 20\n    - pause: {duration: 1m}\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := c.Rollout
	for _, tc := range []struct {
		path      string
		line, col int
	}{
		{"steps[0].setWeight", 4, 7},
		{"steps[1].pause.duration", 5, 15},
		{"steps[1].analysis.checks", 5, 7},
		{"steps[7]", 3, 3},
		{"checks[0].query", 3, 3},
	} {
		if line, col := r.At(tc.path); line != tc.line || col != tc.col {
			t.Errorf("At(%s) = %d:%d, want %d:%d", tc.path, line, col, tc.line, tc.col)
		}
	}
	if line, col, ok := r.ValueAt("steps[0].setWeight"); !ok || line != 4 || col != 18 {
		t.Errorf("ValueAt(steps[0].setWeight) = %d:%d %v, want 4:18", line, col, ok)
	}
	if _, _, ok := r.ValueAt("checks[0].query"); ok {
		t.Error("ValueAt(checks[0].query): not written")
	}
}
