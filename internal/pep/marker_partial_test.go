package pep

import "testing"

func TestMarkerEvaluateKnown(t *testing.T) {
	groups := Environment{"dependency_groups": "default,web", "extras": "", "extra": ""}
	tests := []struct {
		name, marker   string
		value, decided bool
	}{
		{"empty", ``, true, true},
		{"group_in", `'default' in dependency_groups`, true, true},
		{"group_out", `'dev' in dependency_groups`, false, true},
		{"group_out_and_env", `'dev' in dependency_groups and python_version < "3.11"`, false, true},
		{"group_in_and_env", `'web' in dependency_groups and python_version < "3.11"`, false, false},
		{"group_in_or_env", `'web' in dependency_groups or python_version < "3.11"`, true, true},
		{"group_out_or_env", `'dev' in dependency_groups or sys_platform == "win32"`, false, false},
		{"env_only", `sys_platform == "linux"`, false, false},
		{"extra_not_requested", `'socks' in extras`, false, true},
		{"extra_eq", `extra == "socks"`, false, true},
		{"nested", `('default' in dependency_groups or 'dev' in dependency_groups) and ('cli' in extras)`, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Marker
			if tc.marker != "" {
				var err error
				if m, err = ParseMarker(tc.marker); err != nil {
					t.Fatal(err)
				}
			}
			v, d, err := m.EvaluateKnown(groups)
			if err != nil {
				t.Fatal(err)
			}
			if v != tc.value || d != tc.decided {
				t.Errorf("EvaluateKnown(%q) = %v, decided %v; want %v, decided %v", tc.marker, v, d, tc.value, tc.decided)
			}
		})
	}
}
