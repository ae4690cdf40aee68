package localindex

import "testing"

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name, accept, want string
		ok                 bool
	}{
		{"empty_is_legacy_html", "", typeLegacyHTML, true},
		{"pip_style", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01", typeJSON, true},
		{"wildcard", "*/*", typeLegacyHTML, true},
		{"q_zero_excludes", "application/vnd.pypi.simple.v1+json;q=0", "", false},
		{"bad_q_ignored", "application/vnd.pypi.simple.v1+json;q=x, text/html", typeLegacyHTML, true},
		{"only_unknown", "image/png", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := negotiate(tt.accept)
			if got != tt.want || ok != tt.ok {
				t.Errorf("negotiate(%q) = %q, %v; want %q, %v", tt.accept, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzNegotiate(f *testing.F) {
	f.Add("application/vnd.pypi.simple.v1+json, text/html;q=0.01")
	f.Add("*/*;q=0.5,,;")
	f.Fuzz(func(t *testing.T, accept string) {
		ct, ok := negotiate(accept)
		if ok != (ct != "") {
			t.Fatalf("negotiate(%q) = %q, %v", accept, ct, ok)
		}
		switch ct {
		case "", typeJSON, typeHTML, typeLegacyHTML:
		default:
			t.Fatalf("negotiate(%q) offered %q", accept, ct)
		}
	})
}
