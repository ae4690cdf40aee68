package kubecli

import (
	"regexp"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// imageRef is the same rule the CRD enforces on spec.image.
var imageRef = regexp.MustCompile(`^[^@\s]+@sha256:[0-9a-f]{64}$`)

// Image is an image reference pinned by digest.
type Image struct {
	Ref    string // REPO[:TAG]@sha256:HEX, as given
	Repo   string // REPO[:TAG]
	Digest string // sha256:HEX
}

// ParseImage checks --image for the kube target: REPO@sha256:<64 hex>. A tag
// alone or an oci: layout (which a cluster cannot pull) is an
// *inputerr.Error saying what to pass instead.
func ParseImage(s string) (Image, error) {
	if strings.HasPrefix(s, "oci:") {
		return Image{}, &inputerr.Error{Msg: "--image " + s + ": the kube target runs images a cluster can pull: push it (pinwheel build --output REGISTRY/REPO) and pass REPO@sha256:DIGEST; --build-info oci:PATH can still read the build metadata from the layout"}
	}
	if !imageRef.MatchString(s) {
		return Image{}, &inputerr.Error{Msg: "--image " + s + ": expected an image pinned by digest, REPO@sha256:<64 lowercase hex> (pinwheel build prints the digest on its last line)"}
	}
	repo, digest, _ := strings.Cut(s, "@")
	return Image{Ref: s, Repo: repo, Digest: digest}, nil
}

// ReleaseName is the Release's object name: "<service>-<first 12 hex of
// the digest>", so the same image of a service is one Release.
func ReleaseName(service string, img Image) string {
	return service + "-" + strings.TrimPrefix(img.Digest, "sha256:")[:12]
}
