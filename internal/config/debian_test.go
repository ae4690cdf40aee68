package config

import (
	"errors"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

const debianYAML = `service: a
entrypoint: [python3]
base:
  debian:
    suite: bookworm
    packages: [python3.11-minimal, libpython3.11-stdlib]
    exclude: [debconf]
    index: /var/lib/apt/lists
`

func TestParseDebianBase(t *testing.T) {
	c, err := Parse("p.yaml", []byte(debianYAML))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	d := c.Debian
	if d == nil || d.Suite != "bookworm" || len(d.Packages) != 2 || d.Lock != "base.lock" || d.Index != "/var/lib/apt/lists" {
		t.Fatalf("Debian = %+v", d)
	}
	if c.Base != "" || c.Interpreter != "/usr/bin/python3.11" {
		t.Errorf("Base %q, Interpreter %q", c.Base, c.Interpreter)
	}
}

func TestDebianBaseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
		line, col        int
	}{
		{"unknown_key", strings.Replace(debianYAML, "exclude:", "exclud:", 1), `unknown key "base.debian.exclud"`, 7, 5},
		{"unknown_base_kind", "service: a\nbase:\n  alpine: {}\n", `unknown key "base.alpine" (expected one of: debian)`, 3, 3},
		{"packages_string", strings.Replace(debianYAML, "packages: [python3.11-minimal, libpython3.11-stdlib]", "packages: python3", 1), "base.debian.packages: expected a list of strings", 6, 15},
		{"no_suite", strings.Replace(debianYAML, "    suite: bookworm\n", "", 1), "suite is required", 5, 5},
		{"no_packages", strings.Replace(debianYAML, "    packages: [python3.11-minimal, libpython3.11-stdlib]\n", "", 1), "packages is required", 5, 5},
		{"bad_mirror", strings.Replace(debianYAML, "index: /var/lib/apt/lists", "mirror: deb.debian.org/debian", 1), "is not an http(s):// or file:// URL", 8, 13},
		{"both", debianYAML + "    mirror: http://deb.debian.org/debian\n", "set mirror or index, not both", 8, 12},
		{"escaping_lock", debianYAML + "    lock: ../base.lock\n", "must be a relative path inside the project", 9, 11},
		{"two_platforms", debianYAML + "platforms: [linux/amd64, linux/arm64]\n", "locked for one architecture", 9, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("p.yaml", []byte(tt.yaml))
			if err == nil {
				err = c.Validate()
			}
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("want an input error, got %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %q does not contain %q", err, tt.want)
			}
			if ie.Line != tt.line || ie.Col != tt.col {
				t.Errorf("at %d:%d, want %d:%d (%v)", ie.Line, ie.Col, tt.line, tt.col, err)
			}
		})
	}
}
