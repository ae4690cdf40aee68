package refresh

import (
	"fmt"
	"net/url"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pyindex"
)

// Indexes are the indexes a refresh asks besides each package's own:
// indexURL and extraIndexURLs when given (each must be an http(s) URL),
// else the http(s) indexes the lock names, else PyPI.
func Indexes(l *lock.Lock, indexURL string, extraIndexURLs []string) ([]*url.URL, error) {
	given := append([]string{}, extraIndexURLs...)
	if indexURL != "" {
		given = append([]string{indexURL}, given...)
	}
	var out []*url.URL
	for _, raw := range given {
		u, ok := httpIndex(raw)
		if !ok {
			return nil, fmt.Errorf("index URL %q: want an http(s) URL like %s", inputerr.RedactURL(raw), pyindex.DefaultIndexURL)
		}
		out = append(out, u)
	}
	if len(out) > 0 {
		return out, nil
	}
	for _, ix := range l.Indexes {
		if u, ok := httpIndex(ix.URL); ok { // a local or file index is not one to ask
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		u, _ := url.Parse(pyindex.DefaultIndexURL)
		out = append(out, u)
	}
	return out, nil
}

func httpIndex(raw string) (*url.URL, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	return u, true
}
