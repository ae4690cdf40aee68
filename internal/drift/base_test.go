package drift

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// A release built on python:3.11-slim@<old> drifts once the tag is pushed
// again; one built on the tag's current digest does not; a Debian base is
// skipped, not judged.
func TestBasesFollowTheTagInARealRegistry(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	tag, err := name.NewTag(host + "/python:3.11-slim")
	if err != nil {
		t.Fatal(err)
	}
	push := func() string {
		img, err := random.Image(256, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(tag, img); err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		return d.String()
	}
	old := push()
	now := push()
	rel := func(id, digest string) Built {
		return Built{ID: id, Service: "shop", BaseImage: tag.String() + "@" + digest, BaseDigest: digest}
	}
	debian := Built{ID: "shop-9", Service: "shop", BaseImage: "debian bookworm (base.lock sha256:1)", BaseDigest: old}
	r, err := Bases(context.Background(), []Built{rel("shop-1", old), rel("shop-2", now), debian}, ResolveBases(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || r.Findings[0].Object != "release shop-1" || r.Findings[0].Want != old || r.Findings[0].Got != now {
		t.Fatalf("findings %+v", r.Findings)
	}
	if len(r.Checked) != 2 || len(r.Skipped) != 1 || !strings.Contains(r.Skipped[0], "shop-9") {
		t.Errorf("checked %v, skipped %v", r.Checked, r.Skipped)
	}
}
