// Package image assembles OCI images on go-containerregistry without a
// Docker daemon: reproducible layers (sorted entries, fixed owners, modes and
// mtimes, deterministic gzip), base images resolved by digest from a
// registry, an OCI layout or a tarball, the image config and history, a
// multi-platform index, an on-disk layer cache, and a layer-by-layer diff of
// two images. It does not fetch wheels (pyindex), install them (wheel),
// decide what goes in each layer (the build CLI does) or push (publish).
package image

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// EntryType is the kind of a layer entry.
type EntryType byte

// Entry kinds.
const (
	TypeFile EntryType = iota
	TypeDir
	TypeSymlink
)

// Entry is one file, directory or symlink in a layer.
type Entry struct {
	// Path is slash-separated and relative to the image root ("app/main.py").
	Path string
	Type EntryType
	// Mode holds permission bits only; NewLayer normalises them (see Normalise).
	Mode fs.FileMode
	UID  int
	GID  int
	// Link is the symlink target.
	Link string
	// Size and Open give a file's content.
	Size int64
	Open func() (io.ReadCloser, error)
	// KeepMode writes Mode as given, setuid, setgid and sticky bits
	// included, instead of normalising it: for entries whose modes come
	// from a package archive rather than a checkout (/tmp is 1777).
	KeepMode bool
}

// LayerOptions control how entries are written.
type LayerOptions struct {
	// MTime is written on every entry (SOURCE_DATE_EPOCH or the commit time).
	MTime time.Time
	// Level is the gzip level; default gzip.DefaultCompression.
	Level int
	// MediaType of the layer; default OCI gzip layer.
	MediaType types.MediaType
}

// LayerOption sets a LayerOptions field.
type LayerOption func(*LayerOptions)

// WithMTime sets the timestamp written on every entry.
func WithMTime(t time.Time) LayerOption {
	return func(o *LayerOptions) { o.MTime = t.UTC().Truncate(time.Second) }
}

// WithCompressionLevel sets the gzip level.
func WithCompressionLevel(level int) LayerOption { return func(o *LayerOptions) { o.Level = level } }

// WithMediaType sets the layer media type (OCI or Docker gzip layer).
func WithMediaType(mt types.MediaType) LayerOption { return func(o *LayerOptions) { o.MediaType = mt } }

func layerOptions(opts []LayerOption) LayerOptions {
	o := LayerOptions{MTime: time.Unix(0, 0).UTC(), Level: gzip.DefaultCompression, MediaType: types.OCILayer}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// Normalise returns the mode pinwheel writes: directories and executables
// 0755, symlinks 0777, other files 0644. Umask and checkout differences
// between machines vanish; only the executable bit survives.
func Normalise(t EntryType, m fs.FileMode) fs.FileMode {
	switch t {
	case TypeDir:
		return 0o755
	case TypeSymlink:
		return 0o777
	}
	if m&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

// WriteLayer writes entries as a reproducible gzipped tar to w and returns
// the layer's descriptor facts. Entries are sorted by path, missing parent
// directories are added (root-owned, 0755), and duplicate paths are an error.
func WriteLayer(w io.Writer, entries []Entry, opts ...LayerOption) (LayerInfo, error) {
	o := layerOptions(opts)
	all, err := withParents(entries)
	if err != nil {
		return LayerInfo{}, err
	}
	compressed := &countingHash{h: sha256.New()}
	gz, err := gzip.NewWriterLevel(io.MultiWriter(w, compressed), o.Level)
	if err != nil {
		return LayerInfo{}, err
	}
	uncompressed := &countingHash{h: sha256.New()}
	tw := tar.NewWriter(io.MultiWriter(gz, uncompressed))
	for _, e := range all {
		if err := writeEntry(tw, e, o.MTime); err != nil {
			return LayerInfo{}, fmt.Errorf("layer entry %s: %w", e.Path, err)
		}
	}
	if err := tw.Close(); err != nil {
		return LayerInfo{}, err
	}
	if err := gz.Close(); err != nil {
		return LayerInfo{}, err
	}
	return LayerInfo{
		Digest:    v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(compressed.h.Sum(nil))},
		DiffID:    v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(uncompressed.h.Sum(nil))},
		Size:      compressed.n,
		MediaType: o.MediaType,
	}, nil
}

func writeEntry(tw *tar.Writer, e Entry, mtime time.Time) error {
	mode := int64(Normalise(e.Type, e.Mode))
	if e.KeepMode {
		mode = tarMode(e.Mode)
	}
	hdr := &tar.Header{
		Name:    e.Path,
		Mode:    mode,
		Uid:     e.UID,
		Gid:     e.GID,
		ModTime: mtime,
	}
	switch e.Type {
	case TypeDir:
		hdr.Typeflag, hdr.Name = tar.TypeDir, e.Path+"/"
		return tw.WriteHeader(hdr)
	case TypeSymlink:
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, e.Link
		return tw.WriteHeader(hdr)
	}
	hdr.Typeflag, hdr.Size = tar.TypeReg, e.Size
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	rc, err := e.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	n, err := io.Copy(tw, rc)
	if err != nil {
		return err
	}
	if n != e.Size {
		return fmt.Errorf("size changed while writing (%d, then %d bytes)", e.Size, n)
	}
	return nil
}

// tarMode is m as tar's mode bits: permissions plus 04000 setuid, 02000
// setgid and 01000 sticky.
func tarMode(m fs.FileMode) int64 {
	mode := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		mode |= 0o1000
	}
	return mode
}

// withParents validates and sorts entries, adding every missing parent directory.
func withParents(entries []Entry) ([]Entry, error) {
	byPath := make(map[string]Entry, len(entries))
	for _, e := range entries {
		p := path.Clean(strings.TrimPrefix(e.Path, "/"))
		if p == "." || p == ".." || strings.HasPrefix(p, "../") {
			return nil, fmt.Errorf("layer entry path %q is not inside the image root", e.Path)
		}
		e.Path = p
		if _, dup := byPath[p]; dup {
			return nil, fmt.Errorf("layer entry %s appears twice", p)
		}
		byPath[p] = e
	}
	for p := range byPath {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if prev, ok := byPath[d]; ok {
				if prev.Type != TypeDir {
					return nil, fmt.Errorf("layer entry %s is inside %s, which is not a directory", p, d)
				}
				continue
			}
			byPath[d] = Entry{Path: d, Type: TypeDir}
		}
	}
	out := make([]Entry, 0, len(byPath))
	for _, e := range byPath {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

type countingHash struct {
	h hash.Hash
	n int64
}

func (c *countingHash) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.h.Write(p)
}
