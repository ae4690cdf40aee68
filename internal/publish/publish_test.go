package publish_test

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
	"pinwheel.dev/pinwheel/internal/publish"
)

var amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}

func artifact(t *testing.T) publish.Artifact {
	t.Helper()
	img, err := imagetest.Base(amd64)
	if err != nil {
		t.Fatal(err)
	}
	return publish.Artifact{Image: img, Tag: "hello:1.0", Attachments: []publish.Attachment{
		{Kind: "att", ArtifactType: "application/vnd.in-toto+json", FileName: "provenance.json", Data: []byte(`{"_type":"https://in-toto.io/Statement/v1"}`)},
		{Kind: "sbom", ArtifactType: "application/vnd.cyclonedx+json", FileName: "sbom.cdx.json", Data: []byte(`{"bomFormat":"CycloneDX"}`)},
	}}
}

func TestRegistry(t *testing.T) {
	for _, referrers := range []bool{true, false} {
		label := map[bool]string{true: "referrers_api", false: "tag_fallback"}[referrers]
		t.Run(label, func(t *testing.T) {
			srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(referrers)))
			defer srv.Close()
			host := strings.TrimPrefix(srv.URL, "http://")
			a := artifact(t)
			p, err := publish.New(host + "/team/hello:1.0")
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Publish(context.Background(), a)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := a.Image.Digest()
			if res.Digest != want.String() || res.Ref != host+"/team/hello@"+want.String() {
				t.Errorf("result %+v", res)
			}
			// Pull back by tag: same digest, valid image.
			pulled, err := remote.Image(mustRef(t, host+"/team/hello:1.0"))
			if err != nil {
				t.Fatal(err)
			}
			if d, _ := pulled.Digest(); d != want {
				t.Errorf("pulled %s, pushed %s", d, want)
			}
			if err := validate.Image(pulled); err != nil {
				t.Errorf("pulled image invalid: %v", err)
			}
			// Both attachments are discoverable as referrers (API or tag schema).
			idx, err := remote.Referrers(mustRef(t, host+"/team/hello@"+want.String()).(name.Digest))
			if err != nil {
				t.Fatal(err)
			}
			im, _ := idx.IndexManifest()
			types := map[string]bool{}
			for _, m := range im.Manifests {
				// Read the manifest itself: the in-process registry's referrers
				// API reports config.mediaType instead of artifactType.
				ri, err := remote.Image(mustRef(t, host+"/team/hello@"+m.Digest.String()))
				if err != nil {
					t.Fatal(err)
				}
				rm, _ := ri.Manifest()
				types[rm.ArtifactType] = true
			}
			if !types["application/vnd.in-toto+json"] || !types["application/vnd.cyclonedx+json"] {
				t.Errorf("referrers %+v", im.Manifests)
			}
			if len(res.Attachments) != 2 {
				t.Fatalf("attachments %+v", res.Attachments)
			}
			for _, att := range res.Attachments {
				if att.Referrers != referrers {
					t.Errorf("%s: referrers=%v", att.Kind, att.Referrers)
				}
				if referrers {
					continue
				}
				wantTag := host + "/team/hello:sha256-" + want.Hex + "." + att.Kind
				if att.Ref != wantTag {
					t.Errorf("fallback ref %s, want %s", att.Ref, wantTag)
				}
				ai, err := remote.Image(mustRef(t, wantTag))
				if err != nil {
					t.Fatalf("cosign-style tag not pushed: %v", err)
				}
				m, _ := ai.Manifest()
				if m.Subject == nil || m.Subject.Digest != want || len(m.Layers) != 1 {
					t.Errorf("attachment manifest %+v", m)
				}
			}
		})
	}
}

func TestLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "img")
	a := artifact(t)
	p, _ := publish.New("oci:" + dir)
	res, err := p.Publish(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	img, idx, err := publish.ReadLayout(dir, "")
	if err != nil || idx != nil {
		t.Fatalf("ReadLayout: %v %v", err, idx)
	}
	if d, _ := img.Digest(); d.String() != res.Digest {
		t.Errorf("layout holds %s, published %s", d, res.Digest)
	}
	if err := validate.Image(img); err != nil {
		t.Error(err)
	}
	b, err := os.ReadFile(dir + ".provenance.json")
	if err != nil || !strings.Contains(string(b), "in-toto") {
		t.Errorf("provenance beside layout: %v %s", err, b)
	}
	// Publishing a new image under the same tag replaces it; attachments are kept apart.
	other, _ := imagetest.Base(v1.Platform{OS: "linux", Architecture: "arm64"})
	a.Image = other
	res2, err := p.Publish(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err = publish.ReadLayout(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := img.Digest(); d.String() != res2.Digest {
		t.Errorf("after replace layout holds %s", d)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".img.tmp-*"))
	if len(left) != 0 {
		t.Errorf("temp dirs left: %v", left)
	}
}

func TestTarball(t *testing.T) {
	path := filepath.Join(t.TempDir(), "img.tar")
	a := artifact(t)
	p, _ := publish.New("tar:" + path)
	if _, err := p.Publish(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	tag, _ := name.NewTag("hello:1.0")
	img, err := tarball.ImageFromPath(path, &tag)
	if err != nil {
		t.Fatalf("tarball not loadable by its tag: %v", err)
	}
	want, _ := a.Image.ConfigName()
	if got, _ := img.ConfigName(); got != want {
		t.Errorf("config %s, want %s", got, want)
	}
	idx, _ := image.Index([]v1.Image{a.Image}, []v1.Platform{amd64})
	_, err = p.Publish(context.Background(), publish.Artifact{Index: idx})
	if err == nil || !strings.Contains(err.Error(), "single --platform") {
		t.Errorf("index to tarball: %v", err)
	}
}

func TestMulti(t *testing.T) {
	dir := t.TempDir()
	var m publish.MultiPublisher
	for _, out := range []string{"oci:" + filepath.Join(dir, "a"), "tar:" + filepath.Join(dir, "b.tar")} {
		p, err := publish.New(out)
		if err != nil {
			t.Fatal(err)
		}
		m = append(m, p)
	}
	res, err := m.PublishAll(context.Background(), artifact(t))
	if err != nil || len(res) != 2 || res[0].Digest != res[1].Digest {
		t.Fatalf("PublishAll = %+v, %v", res, err)
	}
}

func TestNewRejects(t *testing.T) {
	for _, out := range []string{"oci:", "tar:", "UPPER/Case", "repo@sha256:" + strings.Repeat("a", 64)} {
		if _, err := publish.New(out); err == nil {
			t.Errorf("New(%q) accepted", out)
		}
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Signed attestations go where cosign looks: an image tagged
// sha256-<hex>.att whose layers are DSSE envelopes annotated with their
// predicate type (registry), the same image named by that tag in a layout,
// and the envelopes beside local outputs.
func TestSignedAttestationsCosignLayout(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(false)))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	a := artifact(t)
	a.Signed = []publish.Signed{
		{PredicateType: "https://slsa.dev/provenance/v1", Envelope: []byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}`), FileName: "provenance.dsse.json"},
		{PredicateType: "https://cyclonedx.org/bom", Envelope: []byte(`{"payloadType":"application/vnd.in-toto+json","payload":"W10=","signatures":[]}`), FileName: "sbom.dsse.json"},
	}
	d, _ := a.Image.Digest()
	p, _ := publish.New(host + "/team/hello:1.0")
	if _, err := p.Publish(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	att, err := remote.Image(mustRef(t, host+"/team/hello:"+publish.AttestationTag(d)))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := att.Manifest()
	if len(m.Layers) != 2 || m.Layers[0].MediaType != publish.DSSEMediaType ||
		m.Layers[1].Annotations[publish.PredicateTypeAnnotation] != "https://cyclonedx.org/bom" {
		t.Fatalf("attestation manifest %+v", m)
	}
	if v, ok := m.Layers[0].Annotations[publish.CosignSignatureAnnotation]; !ok || v != "" {
		t.Errorf("layer annotations %v: cosign needs an empty signature annotation", m.Layers[0].Annotations)
	}
	got, err := publish.ReadAttestations(att)
	if err != nil || len(got) != 2 || string(got[0].Envelope) != string(a.Signed[0].Envelope) {
		t.Errorf("read back %v %v", got, err)
	}

	dir := t.TempDir()
	lp, _ := publish.New("oci:" + filepath.Join(dir, "layout"))
	if _, err := lp.Publish(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	fromLayout, err := publish.ReadLayoutAttestations(filepath.Join(dir, "layout"), d)
	if err != nil || len(fromLayout) != 2 || fromLayout[1].PredicateType != "https://cyclonedx.org/bom" {
		t.Errorf("layout: %v %v", fromLayout, err)
	}
	if img, _, err := publish.ReadLayout(filepath.Join(dir, "layout"), ""); err != nil || img == nil {
		t.Errorf("the attestation image makes the layout's image ambiguous: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "layout.sbom.dsse.json")); err != nil || string(b) != string(a.Signed[1].Envelope) {
		t.Errorf("envelope beside the layout: %q %v", b, err)
	}
}
