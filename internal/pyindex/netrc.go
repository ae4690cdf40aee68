package pyindex

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Netrc holds credentials read from a .netrc file.
type Netrc struct {
	machines map[string]Credentials
	fallback *Credentials // the "default" entry
}

// Credentials are a login and password for HTTP basic auth.
type Credentials struct {
	Login    string
	Password string
}

// Lookup returns the credentials for host (without port), if any.
func (n *Netrc) Lookup(host string) (Credentials, bool) {
	if n == nil {
		return Credentials{}, false
	}
	if c, ok := n.machines[strings.ToLower(host)]; ok {
		return c, true
	}
	if n.fallback != nil {
		return *n.fallback, true
	}
	return Credentials{}, false
}

// DefaultNetrcPath is $NETRC, else ~/.netrc.
func DefaultNetrcPath() string {
	if p := os.Getenv("NETRC"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".netrc")
}

// ReadNetrc reads a netrc file. A missing file yields an empty Netrc.
func ReadNetrc(path string) (*Netrc, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || path == "" {
		return &Netrc{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read netrc: %w", err)
	}
	n, err := ParseNetrc(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

// ParseNetrc parses netrc text: "machine", "default", "login", "password",
// "account" tokens; "macdef" bodies (up to a blank line) are skipped.
func ParseNetrc(data []byte) (*Netrc, error) {
	n := &Netrc{machines: map[string]Credentials{}}
	var cur *Credentials
	var curHost string
	flush := func() {
		if cur == nil {
			return
		}
		if curHost == "" {
			c := *cur
			n.fallback = &c
		} else if _, seen := n.machines[curHost]; !seen {
			n.machines[curHost] = *cur // the first entry for a host wins
		}
		cur = nil
	}
	lines := bytes.Split(data, []byte("\n"))
	for i := 0; i < len(lines); i++ {
		fields := strings.Fields(string(lines[i]))
		for j := 0; j < len(fields); j++ {
			tok := fields[j]
			if strings.HasPrefix(tok, "#") {
				break // comment to end of line
			}
			next := func() (string, error) {
				if j+1 >= len(fields) {
					return "", fmt.Errorf("line %d: %q needs a value on the same line", i+1, tok)
				}
				j++
				return fields[j], nil
			}
			switch tok {
			case "machine":
				flush()
				host, err := next()
				if err != nil {
					return nil, err
				}
				cur, curHost = &Credentials{}, strings.ToLower(host)
			case "default":
				flush()
				cur, curHost = &Credentials{}, ""
			case "login", "password", "account":
				v, err := next()
				if err != nil {
					return nil, err
				}
				if cur == nil {
					return nil, fmt.Errorf("line %d: %q before any machine or default", i+1, tok)
				}
				switch tok {
				case "login":
					cur.Login = v
				case "password":
					cur.Password = v
				}
			case "macdef":
				flush()
				for i+1 < len(lines) && len(bytes.TrimSpace(lines[i+1])) > 0 {
					i++
				}
				j = len(fields)
			default:
				return nil, fmt.Errorf("line %d: unexpected token %q", i+1, tok)
			}
		}
	}
	flush()
	return n, nil
}
