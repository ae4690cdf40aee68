package pep

import (
	"errors"
	"strings"
	"testing"
)

func linuxEnv(t *testing.T) Environment {
	t.Helper()
	return EnvironmentFor(mustTarget(t, "linux/amd64", "3.11"))
}

func TestMarkerEvaluate(t *testing.T) {
	tests := []struct {
		name, marker, extra string
		want                bool
	}{
		{"spec_example_no_extra", `python_version >= "3.8" and (sys_platform == "linux" or extra == "socks")`, "", true},
		{"spec_example_darwin_extra", `python_version >= "3.8" and (sys_platform == "darwin" or extra == "socks")`, "socks", true},
		{"spec_example_darwin", `python_version >= "3.8" and (sys_platform == "darwin" or extra == "socks")`, "", false},
		{"precedence_and_binds_tighter", `sys_platform == "win32" and python_version < "3" or os_name == "posix"`, "", true},
		{"precedence_parens", `sys_platform == "win32" and (python_version < "3" or os_name == "posix")`, "", false},
		{"version_not_string", `python_version > "3.9"`, "", true}, // "3.11" < "3.9" as strings
		{"version_reversed", `"3.9" < python_version`, "", true},
		{"version_wildcard", `python_version == "3.11.*"`, "", true},
		{"full_version", `python_full_version >= "3.11.0"`, "", true},
		{"compatible", `python_version ~= "3.10"`, "", true},
		{"string_fallback", `platform_machine == "x86_64"`, "", true},
		{"string_order", `sys_platform < "win32"`, "", true},
		{"in", `"linux" in sys_platform`, "", true},
		{"not_in", `platform_machine not in "aarch64 arm64"`, "", true},
		{"implementation", `implementation_name == "cpython" and platform_python_implementation == 'CPython'`, "", true},
		{"platform_system", `platform_system == "Linux"`, "", true},
		{"extra_normalised", `extra == "Socks_Proxy"`, "socks.proxy", true},
		{"extra_missing", `extra == "socks"`, "", false},
		{"legacy_dotted", `os.name == "posix" and sys.platform == "linux"`, "", true},
		{"single_quotes", `'x"y' == 'x"y'`, "", true},
		{"nested_parens", `((python_version >= "3"))`, "", true},
		{"arbitrary", `platform_machine === "X86_64"`, "", true},
		{"extras_set", `"socks" in extras`, "socks", true},
		{"extras_set_absent", `"socks" not in extras`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMarker(tt.marker)
			if err != nil {
				t.Fatal(err)
			}
			var got bool
			if tt.extra != "" {
				got, err = m.EvaluateWithExtras(linuxEnv(t), tt.extra)
			} else {
				got, err = m.EvaluateWithExtras(linuxEnv(t))
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("%s with extra %q = %v, want %v", tt.marker, tt.extra, got, tt.want)
			}
		})
	}
}

func TestMarkerEvaluateErrors(t *testing.T) {
	tests := []struct{ name, marker string }{
		{"compatible_on_strings", `sys_platform ~= "linux"`},
		{"missing_variable", `platform_release == "6.1"`},
		{"set_misuse", `extras == "socks"`},
	}
	env := Environment{"sys_platform": "linux"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMarker(tt.marker)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Evaluate(env); err == nil {
				t.Errorf("Evaluate(%s) succeeded, want an error", tt.marker)
			}
		})
	}
}

func TestParseMarkerErrors(t *testing.T) {
	tests := []struct {
		name, in string
		col      int
	}{
		{"empty", "", 1},
		{"unquoted_value", `python_version >= 3.8`, 19},
		{"unknown_variable", `python >= "3"`, 1},
		{"missing_operator", `python_version "3"`, 16},
		{"unterminated", `os_name == "posix`, 12},
		{"unclosed_paren", `(os_name == "posix"`, 20},
		{"dangling_and", `os_name == "posix" and`, 23},
		{"not_without_in", `"a" not "b"`, 5},
		{"trailing", `os_name == "posix" "x"`, 20},
		{"bad_char", `os_name == "posix" & x`, 20},
		{"bare_paren", `()`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMarker(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseMarker(%q) error = %v, want *SyntaxError", tt.in, err)
			}
			if se.Col != tt.col {
				t.Errorf("ParseMarker(%q): col %d, want %d (%v)", tt.in, se.Col, tt.col, err)
			}
		})
	}
}

func TestMarkerString(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"spec_example", `python_version>='3.8' and(sys_platform=='linux' or extra=="socks")`, `python_version >= "3.8" and (sys_platform == "linux" or extra == "socks")`},
		{"redundant_parens", `((os_name == 'nt'))`, `os_name == "nt"`},
		{"and_in_or", `(a_ == "1" or b == "2")`, ``},
		{"or_of_ands", `os_name == "a" and os_name == "b" or os_name == "c"`, `os_name == "a" and os_name == "b" or os_name == "c"`},
		{"legacy_name", `python_implementation == "CPython"`, `platform_python_implementation == "CPython"`},
		{"quote_choice", `os_name == 'a"b'`, `os_name == 'a"b'`},
		{"not_in", `"x"   not   in os_name`, `"x" not in os_name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMarker(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseMarker(%q) succeeded", tt.in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := m.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEnvironmentFor(t *testing.T) {
	tg := mustTarget(t, "linux/arm64", "3.12")
	env := EnvironmentFor(tg)
	want := map[string]string{
		"python_version": "3.12", "python_full_version": "3.12.0", "implementation_name": "cpython",
		"platform_python_implementation": "CPython", "sys_platform": "linux", "platform_system": "Linux",
		"platform_machine": "aarch64", "os_name": "posix",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	tg.PythonVersion = "3.12.4"
	if got := EnvironmentFor(tg)["python_full_version"]; got != "3.12.4" {
		t.Errorf("python_full_version = %q", got)
	}
}

func FuzzParseMarker(f *testing.F) {
	for _, s := range []string{
		`python_version >= "3.8" and (sys_platform == "linux" or extra == "socks")`,
		`os.name == 'nt' or platform_machine not in "x86_64 aarch64"`,
		`"a" in extras and python_full_version ~= "3.11.2"`, `((extra == "b"))`,
	} {
		f.Add(s)
	}
	env := EnvironmentFor(Target{PythonVersion: "3.11", Arch: "x86_64"})
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMarker(s)
		if err != nil {
			return
		}
		again, err := ParseMarker(m.String())
		if err != nil {
			t.Fatalf("String() of %q = %q does not re-parse: %v", s, m.String(), err)
		}
		if again.String() != m.String() {
			t.Fatalf("not a fixed point: %q -> %q -> %q", s, m.String(), again.String())
		}
		r1, err1 := m.Evaluate(env)
		r2, err2 := again.Evaluate(env)
		if r1 != r2 || (err1 == nil) != (err2 == nil) {
			t.Fatalf("%q and %q evaluate differently: %v/%v vs %v/%v", s, m.String(), r1, err1, r2, err2)
		}
	})
}

func TestMarkerVariables(t *testing.T) {
	m, err := ParseMarker(`python_version >= "3.8" and (sys.platform == "linux" or extra == "socks" or "3" < python_version)`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Variables(), ","); got != "extra,python_version,sys_platform" {
		t.Errorf("Variables() = %s", got)
	}
	if len((Marker{}).Variables()) != 0 {
		t.Error("empty marker has variables")
	}
}

func TestMarkerEquivalentIgnoresTermOrder(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{`python_version >= "3.8" and sys_platform == "linux"`, `sys_platform == 'linux' and python_version>="3.8"`, true},
		{`python_version < "3.11" or (extra == "x" and os_name == "nt")`, `(os_name == "nt" and extra == "x") or python_version < "3.11"`, true},
		{`python_version >= "3.8" and sys_platform == "linux"`, `python_version >= "3.8" or sys_platform == "linux"`, false},
		{`python_version >= "3.8"`, `python_version > "3.8"`, false},
		{`(os_name == "nt" and extra == "x") or python_version < "3.11"`, `os_name == "nt" and (extra == "x" or python_version < "3.11")`, false},
	} {
		a, errA := ParseMarker(tc.a)
		b, errB := ParseMarker(tc.b)
		if errA != nil || errB != nil {
			if tc.same {
				t.Errorf("parse %q / %q: %v %v", tc.a, tc.b, errA, errB)
			}
			continue
		}
		if got := a.Equivalent(b); got != tc.same {
			t.Errorf("Equivalent(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}
