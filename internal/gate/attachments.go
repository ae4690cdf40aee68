package gate

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// maxAttachment bounds an SBOM or provenance document read for gates.
const maxAttachment = 64 << 20

// attachment is a document pinwheel build attached to an image.
type attachment struct {
	kind      string // "sbom" or "att" (dev.pinwheel.attachment)
	file      string // its file name beside a local output
	mediaType string // the referrer's artifact type
}

var (
	sbomAttachment       = attachment{"sbom", "sbom.cdx.json", "application/vnd.cyclonedx+json"}
	provenanceAttachment = attachment{"att", "provenance.intoto.json", "application/vnd.in-toto+json"}
)

// readAttachment returns a's document for the image with digest, from the
// referrers in the OCI layout of ref (oci:DIR[@…]), else from the file
// pinwheel build wrote beside the output (DIR.<file>, FILE.<file>); nil
// when there is none.
func readAttachment(ref string, digest v1.Hash, a attachment) ([]byte, error) {
	kind, path, _ := strings.Cut(ref, ":")
	if kind == "oci" {
		if i := strings.LastIndex(path, "@sha256:"); i >= 0 {
			path = path[:i]
		}
		if data, err := fromLayout(path, digest, a); data != nil || err != nil {
			return data, err
		}
	}
	f, err := os.Open(strings.TrimRight(path, "/") + "." + a.file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, f.Name())
}

// fromLayout finds the referrer of kind a whose subject is digest (or an
// index in the layout holding it).
func fromLayout(dir string, digest v1.Hash, a attachment) ([]byte, error) {
	lp, err := layout.FromPath(dir)
	if err != nil {
		return nil, nil // not a layout: the caller reads files beside it
	}
	idx, err := lp.ImageIndex()
	if err != nil {
		return nil, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	subjects := map[v1.Hash]bool{digest: true}
	for _, m := range im.Manifests {
		if _, att := m.Annotations["dev.pinwheel.attachment"]; att || !m.MediaType.IsIndex() {
			continue
		}
		if child, err := idx.ImageIndex(m.Digest); err == nil {
			if cm, err := child.IndexManifest(); err == nil {
				for _, c := range cm.Manifests {
					if c.Digest == digest {
						subjects[m.Digest] = true
					}
				}
			}
		}
	}
	for _, m := range im.Manifests {
		if m.Annotations["dev.pinwheel.attachment"] != a.kind {
			continue
		}
		img, err := idx.Image(m.Digest)
		if err != nil {
			return nil, err
		}
		man, err := img.Manifest()
		if err != nil {
			return nil, err
		}
		if man.Subject == nil || !subjects[man.Subject.Digest] || string(man.ArtifactType) != a.mediaType || len(man.Layers) != 1 {
			continue
		}
		layers, err := img.Layers()
		if err != nil {
			return nil, err
		}
		rc, err := layers[0].Compressed()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return readLimited(rc, fmt.Sprintf("%s referrer %s", a.kind, m.Digest))
	}
	return nil, nil
}

func readLimited(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxAttachment+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxAttachment {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxAttachment)
	}
	return data, nil
}
