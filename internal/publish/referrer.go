package publish

import (
	"encoding/json"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The OCI 1.1 empty config: "{}" with its well-known digest.
var emptyConfig = []byte("{}")

const emptyMediaType types.MediaType = "application/vnd.oci.empty.v1+json"

// referrer is an OCI 1.1 artifact manifest: empty config, one blob, a subject.
type referrer struct {
	manifest []byte
	blob     v1.Layer
}

func (r *referrer) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }
func (r *referrer) RawManifest() ([]byte, error)        { return r.manifest, nil }
func (r *referrer) RawConfigFile() ([]byte, error)      { return emptyConfig, nil }
func (r *referrer) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	return r.blob, nil
}

// referrerImage builds the artifact manifest attaching att to subject.
func referrerImage(att Attachment, subject v1.Descriptor) (v1.Image, error) {
	mt := att.MediaType
	if mt == "" {
		mt = att.ArtifactType
	}
	blob := static.NewLayer(att.Data, types.MediaType(mt))
	bd, err := partial.Descriptor(blob)
	if err != nil {
		return nil, err
	}
	cd, _, err := v1.SHA256(bytesReader(emptyConfig))
	if err != nil {
		return nil, err
	}
	subject = v1.Descriptor{MediaType: subject.MediaType, Digest: subject.Digest, Size: subject.Size}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		ArtifactType:  att.ArtifactType,
		Config:        v1.Descriptor{MediaType: emptyMediaType, Digest: cd, Size: int64(len(emptyConfig)), Data: emptyConfig},
		Layers:        []v1.Descriptor{{MediaType: bd.MediaType, Digest: bd.Digest, Size: bd.Size}},
		Subject:       &subject,
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return partial.CompressedToImage(&referrer{manifest: raw, blob: blob})
}
