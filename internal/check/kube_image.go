package check

import (
	"pinwheel.dev/pinwheel/internal/check/k8syaml"
)

// image reports PW506 (:latest or no tag) and PW505 (no digest) for a
// container image: the determinism rule FROM gets (imagePinning), applied
// to what the cluster pulls.
func (k *kubeCheck) image(o k8syaml.Object, c container) {
	image := k8syaml.Str(k8syaml.Get(c.node, "image"))
	if image == "" {
		return
	}
	k.judgeImage(o, c.at("image"), "container "+c.name+" image "+image, image)
}

func (k *kubeCheck) judgeImage(o k8syaml.Object, line int, what, image string) {
	switch _, pin, tag := imagePinning(image); pin {
	case latestTag:
		k.add("PW506", o, line, "%s uses %s: every pull may get a different image", what, tag)
	case tagOnly:
		k.add("PW505", o, line, "%s is not pinned by digest: the tag can move, so two pods of one rollout may run different bits", what)
	}
}
