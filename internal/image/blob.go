package image

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// LayerInfo are the descriptor facts of a written layer.
type LayerInfo struct {
	Digest    v1.Hash         `json:"digest"`
	DiffID    v1.Hash         `json:"diffID"`
	Size      int64           `json:"size"`
	MediaType types.MediaType `json:"mediaType"`
}

// blobLayer is a v1.Layer whose digests are known from writing it, so
// nothing is hashed twice.
type blobLayer struct {
	info LayerInfo
	open func() (io.ReadCloser, error)
}

var _ v1.Layer = (*blobLayer)(nil)

func (l *blobLayer) Digest() (v1.Hash, error)            { return l.info.Digest, nil }
func (l *blobLayer) DiffID() (v1.Hash, error)            { return l.info.DiffID, nil }
func (l *blobLayer) Size() (int64, error)                { return l.info.Size, nil }
func (l *blobLayer) MediaType() (types.MediaType, error) { return l.info.MediaType, nil }
func (l *blobLayer) Compressed() (io.ReadCloser, error)  { return l.open() }
func (l *blobLayer) Uncompressed() (io.ReadCloser, error) {
	rc, err := l.open()
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(rc)
	if err != nil {
		rc.Close()
		return nil, err
	}
	return readCloser{zr, func() error { zr.Close(); return rc.Close() }}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

// NewLayer builds an in-memory reproducible layer from entries.
func NewLayer(entries []Entry, opts ...LayerOption) (v1.Layer, error) {
	var buf bytes.Buffer
	info, err := WriteLayer(&buf, entries, opts...)
	if err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return &blobLayer{info: info, open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}}, nil
}

// fileLayer is a layer stored as a gzipped tar file whose facts are known.
func fileLayer(path string, info LayerInfo) v1.Layer {
	return &blobLayer{info: info, open: func() (io.ReadCloser, error) { return os.Open(path) }}
}
