package image

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/renameio/v2"
)

// LayerCache keeps written layers on disk under a caller-chosen key (a hash
// of everything that decides the layer's bytes), so an unchanged
// dependencies layer is reused instead of rebuilt.
type LayerCache struct {
	Dir string
}

// CacheKey hashes parts into a cache key. Callers include a format version
// so a change in how layers are written invalidates old entries.
func CacheKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s\n", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c LayerCache) paths(key string) (blob, meta string) {
	base := filepath.Join(c.Dir, "layers", key)
	return base + ".tar.gz", base + ".json"
}

// Get returns the cached layer for key, if present and intact.
func (c LayerCache) Get(key string) (v1.Layer, bool) {
	if c.Dir == "" {
		return nil, false
	}
	blob, meta := c.paths(key)
	b, err := os.ReadFile(meta)
	if err != nil {
		return nil, false
	}
	var info LayerInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, false
	}
	st, err := os.Stat(blob)
	if err != nil || st.Size() != info.Size {
		return nil, false
	}
	return fileLayer(blob, info), true
}

// Layer returns the layer for key from the cache, or writes entries()
// into the cache (temp file + rename) and returns it. hit says which.
// Without a cache directory the layer is built in memory.
func (c LayerCache) Layer(key string, entries func() ([]Entry, error), opts ...LayerOption) (v1.Layer, bool, error) {
	if l, ok := c.Get(key); ok {
		return l, true, nil
	}
	es, err := entries()
	if err != nil {
		return nil, false, err
	}
	if c.Dir == "" {
		l, err := NewLayer(es, opts...)
		return l, false, err
	}
	blob, meta := c.paths(key)
	if err := os.MkdirAll(filepath.Dir(blob), 0o755); err != nil {
		return nil, false, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(blob), ".layer-*")
	if err != nil {
		return nil, false, err
	}
	defer os.Remove(tmp.Name())
	info, err := WriteLayer(tmp, es, opts...)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, false, err
	}
	if err := os.Rename(tmp.Name(), blob); err != nil {
		return nil, false, err
	}
	b, _ := json.Marshal(info)
	if err := renameio.WriteFile(meta, b, 0o644); err != nil {
		return nil, false, err
	}
	return fileLayer(blob, info), false, nil
}
