package pyindex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseNetrc(t *testing.T) {
	text := `# comment
machine Index.Example.TEST login alice password s3cret
machine other.test
  login bob
  password pw # trailing comment
macdef init
  cd /pub
  bin

default login anon password guest
`
	n, err := ParseNetrc([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, host string
		want       Credentials
	}{
		{"case_insensitive_host", "index.example.test", Credentials{"alice", "s3cret"}},
		{"multi_line_entry", "other.test", Credentials{"bob", "pw"}},
		{"default_entry", "unknown.test", Credentials{"anon", "guest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := n.Lookup(tt.host)
			if !ok || got != tt.want {
				t.Errorf("Lookup(%q) = %+v, %v; want %+v", tt.host, got, ok, tt.want)
			}
		})
	}
}

func TestParseNetrcErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"login_without_machine", "login x", "before any machine"},
		{"machine_without_name", "machine", "needs a value"},
		{"unknown_token", "machine a frob b", `unexpected token "frob"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNetrc([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want containing %q", err, tt.want)
			}
		})
	}
}

func TestReadNetrcFromEnv(t *testing.T) {
	p := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(p, []byte("machine h login u password p\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NETRC", p)
	if DefaultNetrcPath() != p {
		t.Fatalf("DefaultNetrcPath() = %q, want $NETRC %q", DefaultNetrcPath(), p)
	}
	n, err := ReadNetrc(DefaultNetrcPath())
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := n.Lookup("h"); !ok || c.Login != "u" {
		t.Errorf("Lookup(h) = %+v, %v", c, ok)
	}
	missing, err := ReadNetrc(filepath.Join(t.TempDir(), "absent"))
	if err != nil {
		t.Fatalf("missing netrc should be empty, got %v", err)
	}
	if _, ok := missing.Lookup("h"); ok {
		t.Error("empty netrc returned credentials")
	}
}

func FuzzParseNetrc(f *testing.F) {
	f.Add("machine a login b password c\ndefault login d password e\n")
	f.Add("macdef x\n  body\n\nmachine m login l\n")
	f.Fuzz(func(t *testing.T, in string) {
		n, err := ParseNetrc([]byte(in))
		if err == nil {
			n.Lookup("a")
		}
	})
}
