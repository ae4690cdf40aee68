package lock

import (
	"strings"
	"testing"
)

func TestParsePylockGolden(t *testing.T) {
	runTOMLGolden(t, "pylock", "[[packages]]")
}

func TestParsePylockMinorVersionAccepted(t *testing.T) {
	src := "lock-version = \"1.7\"\ncreated-by = \"future-tool\"\nnew-key = true\n\n[[packages]]\nname = \"A_B\"\nversion = \"1.0\"\ndirectory = { path = \"src/a\" }\n"
	l, err := Parse("pylock.dev.toml", FormatPylock, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if l.LockVersion != "1.7" || len(l.Packages) != 1 || l.Packages[0].Name != "a-b" || l.Packages[0].Source.Kind != SourceDirectory {
		t.Errorf("got %+v", l)
	}
}

func TestPylockGroups(t *testing.T) {
	tests := []struct{ name, marker, want string }{
		{"none", "", "main"},
		{"platform_only", "sys_platform == 'win32'", "main"},
		{"group", "'dev' in dependency_groups", "dev"},
		{"extra_double_quotes", `"Postgres" in extras and python_version >= "3.12"`, "postgres"},
		{"group_or_extra", "'test' in dependency_groups or 'cli' in extras", "cli,test"},
		{"not_in_is_not_membership", "'dev' not in dependency_groups", "main"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(pylockGroups(tc.marker), ","); got != tc.want {
				t.Errorf("pylockGroups(%q) = %q, want %q", tc.marker, got, tc.want)
			}
		})
	}
}
