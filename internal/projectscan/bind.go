package projectscan

import (
	"fmt"
	"strconv"
	"strings"
)

// bindAddr is a listen address as servers spell it on their command lines
// and in gunicorn's bind setting.
type bindAddr struct {
	host string // "" means every interface
	port int    // 0 when the address names no port
	unix bool   // unix:PATH or fd://N: no TCP port at all
}

// parseBind parses HOST:PORT, [V6]:PORT, :PORT, PORT, HOST, tcp://HOST:PORT,
// unix:PATH and fd://N (gunicorn's, hypercorn's and daphne's forms).
func parseBind(s string) (bindAddr, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return bindAddr{}, fmt.Errorf("empty address")
	case strings.HasPrefix(s, "unix:"), strings.HasPrefix(s, "fd://"):
		return bindAddr{unix: true}, nil
	}
	s = strings.TrimPrefix(s, "tcp://")
	host, port := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			return bindAddr{}, fmt.Errorf("%q: unclosed [ in an IPv6 address", s)
		}
		host, port = s[1:end], strings.TrimPrefix(s[end+1:], ":")
		if rest := s[end+1:]; rest != "" && !strings.HasPrefix(rest, ":") {
			return bindAddr{}, fmt.Errorf("%q: want [ADDRESS]:PORT", s)
		}
	} else if i := strings.LastIndex(s, ":"); i >= 0 {
		host, port = s[:i], s[i+1:]
		if strings.Contains(host, ":") {
			return bindAddr{}, fmt.Errorf("%q: an IPv6 address needs brackets, [ADDRESS]:PORT", s)
		}
	} else if isDigits(s) {
		host, port = "", s
	}
	b := bindAddr{host: host}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return bindAddr{}, fmt.Errorf("%q: port %q is not a number from 1 to 65535", s, port)
		}
		b.port = n
	}
	return b, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// loopback reports whether the host only listens inside the container.
func (b bindAddr) loopback() bool {
	h := strings.ToLower(b.host)
	return h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1"
}
