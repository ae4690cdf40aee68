package lock

import "testing"

func TestPoetryToPEP440(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{name: "caret_minor", in: "^3.11", want: ">=3.11,<4.0", ok: true},
		{name: "caret_patch", in: "^1.2.3", want: ">=1.2.3,<2.0", ok: true},
		{name: "caret_zero_major", in: "^0.2.3", want: ">=0.2.3,<0.3", ok: true},
		{name: "caret_zero_minor", in: "^0.0.3", want: ">=0.0.3,<0.0.4", ok: true},
		{name: "caret_major_only", in: "^3", want: ">=3,<4.0", ok: true},
		{name: "tilde_minor", in: "~3.11", want: ">=3.11,<3.12", ok: true},
		{name: "tilde_major", in: "~3", want: ">=3,<4.0", ok: true},
		{name: "compatible_release_kept", in: "~=3.11", want: "~=3.11", ok: true},
		{name: "range", in: ">=3.9, <3.13", want: ">=3.9,<3.13", ok: true},
		{name: "bare_version", in: "3.11.*", want: "==3.11.*", ok: true},
		{name: "any", in: "*", want: "", ok: true},
		{name: "alternatives", in: "~2.7 || ^3.6", want: "~2.7 || ^3.6", ok: false},
		{name: "garbage", in: "^x.y", want: "^x.y", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := poetryToPEP440(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("poetryToPEP440(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
