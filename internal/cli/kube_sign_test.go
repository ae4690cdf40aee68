package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/verify/verifytest"
)

// With signing.requireSignedProvenance, deploy --target kube refuses an
// image whose provenance does not verify before any Release exists, and
// rolls out one whose provenance does.
func TestKubeDeployRequiresSignedProvenance(t *testing.T) {
	e := kubeEnv(t)
	dir := kubeProject(t, timedSteps)
	reg := verifytest.NewRegistry(t)
	reg.WritePublicKey(t, filepath.Join(dir, "signing.pub"))
	signed, unsigned := reg.Push(t, "shop", "2.0.0", true), reg.Push(t, "shop", "2.0.1", false)
	appendFile(t, filepath.Join(dir, "pinwheel.yaml"), "signing: {publicKey: signing.pub, requireSignedProvenance: true}\n")

	out, errOut, code := runCLI(t, kubeArgs(e, "deploy", dir, "--image", unsigned, "--lease-namespace", e.Namespace)...)
	if code != ExitUsage || !strings.Contains(errOut, "signing.requireSignedProvenance: refusing "+unsigned) || !strings.Contains(errOut, "no signed attestations") {
		t.Fatalf("unsigned image: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	var list v1alpha1.ReleaseList
	if err := e.Client.List(context.Background(), &list, client.InNamespace(e.Namespace)); err != nil || len(list.Items) != 0 {
		t.Fatalf("a refused deploy created Releases: %d %v", len(list.Items), err)
	}

	out, errOut, code = runCLI(t, kubeArgs(e, "deploy", dir, "--image", signed, "--lease-namespace", e.Namespace)...)
	if code != 0 || !strings.Contains(out, "of shop: promoted") {
		t.Fatalf("signed image: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}
