package check

import (
	"slices"
	"testing"
)

func TestMarkerMayHold(t *testing.T) {
	tests := []struct {
		name    string
		marker  string
		pythons []string
		want    bool
	}{
		{"no_marker", "", []string{"3.12"}, true},
		{"windows_only", "sys_platform == 'win32'", []string{"3.12"}, false},
		{"linux", "sys_platform == 'linux'", []string{"3.12"}, true},
		{"older_python", "python_version < '3.12'", []string{"3.12"}, false},
		{"older_python_one_of_many", "python_version < '3.12'", []string{"3.11", "3.12"}, true},
		{"arm_only", "platform_machine == 'aarch64'", []string{"3.12"}, true},
		{"unparsable", "python_version <", []string{"3.12"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := markerMayHold(tt.marker, tt.pythons); got != tt.want {
				t.Errorf("markerMayHold(%q, %v) = %v, want %v", tt.marker, tt.pythons, got, tt.want)
			}
		})
	}
}

func TestTargetPythons(t *testing.T) {
	tests := []struct {
		name           string
		files          map[string]string
		requiresPython string
		want           []string
	}{
		{"python_version_file", map[string]string{".python-version": "3.11.9\n"}, ">=3.8", []string{"3.11"}},
		{"requires_python", nil, ">=3.11,<3.13", []string{"3.11", "3.12"}},
		{"nothing", nil, "", []string{"3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := targetPythons(testProject(t, tt.files), tt.requiresPython); !slices.Equal(got, tt.want) {
				t.Errorf("targetPythons = %v, want %v", got, tt.want)
			}
		})
	}
}
