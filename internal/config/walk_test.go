package config

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func docRoot(t *testing.T, doc string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
		t.Fatal(err)
	}
	return &n
}

func TestMapping(t *testing.T) {
	tests := []struct {
		name, doc, want string
		wantN           int
	}{
		{"ok", "n: 3\n", "", 3},
		{"nullIsAbsent", "n:\n", "", 0},
		{"alias", "a: &x 7\nn: *x\n", "", 7},
		{"unknown", "n: 1\nm: 2\n", `f.yaml:2:1: s: unknown key "m" (expected one of: a, n)`, 1},
		{"duplicate", "n: 1\nn: 2\n", `f.yaml:2:1: s: duplicate key "n"`, 1},
		{"notMapping", "[1]\n", "f.yaml:1:1: s: expected a mapping with keys a, n, got a list", 0},
		{"outOfRange", "n: 11\n", "f.yaml:1:4: s.n: expected an integer from 1 to 10, got the integer 11", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := walker{path: "f.yaml"}
			var n int
			err := d.mapping(docRoot(t, tt.doc), "s", fields{
				"a": func(_, v *yaml.Node) error { return nil },
				"n": func(_, v *yaml.Node) error { return d.intIn(v, "s.n", 1, 10, &n) },
			})
			if tt.want == "" {
				if err != nil || n != tt.wantN {
					t.Fatalf("n=%d err=%v, want n=%d", n, err, tt.wantN)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
