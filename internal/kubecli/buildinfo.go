package kubecli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// ReadBuildInfo reads --build-info for img: the JSON `pinwheel build -o
// json` prints (its buildInfo and digest), a bare build-info.json
// (attest.BuildInfo), or oci:PATH, an OCI layout holding img (the
// build-info layer of the image with img's digest). The result names img's
// digest and reference; a file describing another image is an
// *inputerr.Error.
func ReadBuildInfo(spec string, img Image) (attest.BuildInfo, error) {
	var (
		bi     attest.BuildInfo
		digest string
	)
	if path, ok := strings.CutPrefix(spec, "oci:"); ok {
		info, d, err := deploy.ReadLayout(path, img.Digest)
		if err != nil {
			return bi, &inputerr.Error{Msg: "--build-info " + spec + ": expected an OCI layout holding " + img.Digest, Err: err}
		}
		bi, digest = info, d
	} else {
		data, err := os.ReadFile(spec)
		if err != nil {
			return bi, &inputerr.Error{Msg: "--build-info: expected the JSON of pinwheel build -o json or a build-info.json", Err: err}
		}
		if bi, digest, err = decodeBuildInfo(data); err != nil {
			return bi, &inputerr.Error{Path: spec, Msg: "expected the JSON of pinwheel build -o json ({\"buildInfo\": …, \"digest\": …}) or a build-info.json", Err: err}
		}
	}
	if digest != "" && digest != img.Digest {
		return bi, &inputerr.Error{Msg: fmt.Sprintf("--build-info %s describes image %s, not %s (--image)", spec, digest, img.Digest)}
	}
	bi.ImageDigest, bi.ImageRef = img.Digest, img.Ref
	return bi, nil
}

// decodeBuildInfo decodes a build result or a bare BuildInfo and returns
// the image digest it names ("" when none).
func decodeBuildInfo(data []byte) (attest.BuildInfo, string, error) {
	var result struct {
		BuildInfo *attest.BuildInfo `json:"buildInfo"`
		Digest    string            `json:"digest"`
	}
	if err := json.Unmarshal(data, &result); err != nil {
		return attest.BuildInfo{}, "", err
	}
	if result.BuildInfo != nil {
		return *result.BuildInfo, result.Digest, nil
	}
	var bi attest.BuildInfo
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&bi); err != nil {
		return bi, "", err
	}
	if bi.Service == "" {
		return bi, "", fmt.Errorf("no service in it")
	}
	return bi, bi.ImageDigest, nil
}
