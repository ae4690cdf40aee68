package pyindex

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxMetadataBytes bounds a PEP 658 metadata file (PyPI's largest are a few
// hundred KiB).
const maxMetadataBytes = 4 << 20

// ErrNoCoreMetadata means the index does not serve a file's metadata on its
// own (PEP 658), or serves it without a strong hash to verify it by.
var ErrNoCoreMetadata = errors.New("no PEP 658 metadata with a strong hash")

// CoreMetadata fetches the METADATA of f from the index alone (PEP 658 /
// PEP 714: f.URL + ".metadata"), never the distribution itself, and
// verifies it against the hashes the project page gave for it.
func (c *Client) CoreMetadata(ctx context.Context, project string, f File) ([]byte, error) {
	if !f.CoreMetadata || !pinned(f.CoreMetadataHashes) {
		return nil, fmt.Errorf("%s: %w", f.Filename, ErrNoCoreMetadata)
	}
	u := f.URL + ".metadata"
	resp, err := c.get(ctx, u, "")
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", redact(u), err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get %s: %s", redact(u), resp.Status)
	}
	defer resp.Body.Close()
	h := newHasher(f.CoreMetadataHashes)
	data, err := io.ReadAll(io.TeeReader(io.LimitReader(resp.Body, maxMetadataBytes+1), h))
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", redact(u), err)
	}
	if len(data) > maxMetadataBytes {
		return nil, fmt.Errorf("get %s: metadata larger than %d bytes", redact(u), maxMetadataBytes)
	}
	if err := h.verify(project, f.Filename+".metadata", "index "+redact(u), f.CoreMetadataHashes); err != nil {
		return nil, err
	}
	return data, nil
}
