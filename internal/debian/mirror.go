package debian

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Getter fetches one URL of a mirror.
type Getter func(ctx context.Context, rawURL string) (io.ReadCloser, error)

// HTTPGetter fetches http(s):// URLs with client (default
// http.DefaultClient) and file:// URLs from the local disk.
func HTTPGetter(client *http.Client) Getter {
	if client == nil {
		client = http.DefaultClient
	}
	return func(ctx context.Context, rawURL string) (io.ReadCloser, error) {
		u, err := url.Parse(rawURL)
		if err != nil {
			return nil, err
		}
		if u.Scheme == "file" {
			return os.Open(u.Path)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("GET %s: %s", rawURL, resp.Status)
		}
		return resp.Body, nil
	}
}

func getAll(ctx context.Context, get Getter, u string, limit int64) ([]byte, error) {
	rc, err := get(ctx, u)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	return b, nil
}

// loadMirror follows the archive's hash chain: InRelease (signature checked)
// → Packages.xz/.gz/plain (SHA256 checked) for each component.
func loadMirror(ctx context.Context, src Source) (*Index, error) {
	root := strings.TrimSuffix(src.Mirror, "/")
	relURL := root + "/dists/" + src.Suite + "/InRelease"
	data, err := getAll(ctx, src.Get, relURL, 64<<20)
	if err != nil {
		return nil, err
	}
	text, err := VerifyInRelease(data, relURL, src.Keyring)
	if err != nil {
		return nil, err
	}
	rel, err := ParseRelease(text, relURL)
	if err != nil {
		return nil, err
	}
	idx := &Index{Refs: []IndexRef{{Name: relURL, SHA256: sum(data)}}}
	for _, comp := range src.Components {
		pkgs, err := mirrorPackages(ctx, src, root, rel, relURL, comp)
		if err != nil {
			return nil, err
		}
		idx.Packages = append(idx.Packages, pkgs...)
	}
	return idx, nil
}

// mirrorPackages fetches one component's Packages index, trying the
// compressions the Release lists (xz, gz, none) until one is served, and
// checks it against the Release's SHA256 before parsing it.
func mirrorPackages(ctx context.Context, src Source, root string, rel *Release, relURL, comp string) ([]*Package, error) {
	base := comp + "/binary-" + src.Arch + "/Packages"
	var tried []string
	for _, ext := range []string{".xz", ".gz", ""} {
		want, ok := rel.Files[base+ext]
		if !ok {
			continue
		}
		u := root + "/dists/" + src.Suite + "/" + base + ext
		raw, err := getAll(ctx, src.Get, u, want.Size+1)
		if err != nil {
			tried = append(tried, err.Error())
			continue
		}
		if got := sum(raw); got != want.SHA256 || int64(len(raw)) != want.Size {
			return nil, &inputerr.Error{Path: u, Msg: fmt.Sprintf("sha256 %s (%d bytes), but the signed InRelease says %s (%d bytes)", got, len(raw), want.SHA256, want.Size)}
		}
		r, err := decompress(bytes.NewReader(raw))
		if err != nil {
			return nil, &inputerr.Error{Path: u, Err: err}
		}
		pkgs, err := ParsePackages(r, u)
		r.Close()
		if err != nil {
			return nil, err
		}
		for _, p := range pkgs {
			p.Index = u
		}
		return pkgs, nil
	}
	if len(tried) == 0 {
		return nil, &inputerr.Error{Path: relURL, Msg: "lists no " + base + "{.xz,.gz,}"}
	}
	return nil, fmt.Errorf("%s: %s", base, strings.Join(tried, "; "))
}
