package secrets

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Hit is one secret found in a layer or a tree.
type Hit struct {
	Path string // slash path, as in the layer
	What string // what it looks like ("a dotenv file", "an AWS access key ID")
}

func (h Hit) String() string { return h.Path + ": " + h.What }

// Depth says how closely a layer's files are looked at.
type Depth int

const (
	// Names judges files by name alone: for third-party files, whose test
	// suites ship example keys (tornado's test.key).
	Names Depth = iota
	// Contents also looks for credentials inside every file: for the
	// project's own files.
	Contents
)

// HeadSize is how much of each file the detectors read.
const HeadSize = 1 << 20

// ScanTar reads a layer's uncompressed tar stream and returns the secrets
// in it, in layer order. Whiteouts and non-regular entries are skipped.
func ScanTar(r io.Reader, depth Depth) ([]Hit, error) {
	var hits []Hit
	tr := tar.NewReader(r)
	buf := make([]byte, HeadSize)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return hits, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read layer: %w", err)
		}
		if h.Typeflag != tar.TypeReg || strings.Contains(h.Name, ".wh.") {
			continue
		}
		if depth == Names {
			if what, ok := File(h.Name, nil); ok {
				hits = append(hits, Hit{Path: h.Name, What: what})
			}
			continue
		}
		n, err := io.ReadFull(tr, buf)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("read layer entry %s: %w", h.Name, err)
		}
		head := buf[:n]
		if what, ok := File(h.Name, head); ok {
			hits = append(hits, Hit{Path: h.Name, What: what})
			continue
		}
		if depth == Contents {
			if what, ok := Content(head); ok {
				hits = append(hits, Hit{Path: h.Name, What: what})
			}
		}
	}
}
