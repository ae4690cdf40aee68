package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/drift"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/kube"
)

// `pinwheel drift --target kube` exits 0 on the Deployment pinwheel
// promoted a release on, and 1 naming it once kubectl edit changed it.
func TestDriftCommandFindsAHandEditedDeployment(t *testing.T) {
	e := kubeEnv(t)
	ctx := context.Background()
	rel := &v1alpha1.Release{ObjectMeta: metav1.ObjectMeta{Name: "shop-2", Namespace: e.Namespace},
		Spec: v1alpha1.ReleaseSpec{Service: "shop", Image: kubeImageB, BuildInfo: v1alpha1.BuildInfo{Service: "shop"},
			Strategy: v1alpha1.Strategy{Steps: []v1alpha1.Step{{SetWeight: new(int32(100))}}}}}
	if err := e.Client.Create(ctx, rel); err != nil {
		t.Fatal(err)
	}
	tgt := kube.New(e.Client, e.Clientset, e.Namespace, kube.WithRecorder(e.Recorder))
	v2 := runtime.Release{ID: "shop-2", Artifact: runtime.Artifact{Image: kubeImageB}, BuildInfo: attest.BuildInfo{Service: "shop"}}
	kubetest.Eventually(t, "shop-2 stable", func() (bool, string) {
		if err := tgt.Apply(ctx, runtime.Desired{Service: "shop", Stable: &v2, Replicas: 2}); err != nil {
			return false, err.Error()
		}
		obs, err := tgt.Observe(ctx, "shop")
		return err == nil && obs.Converged, fmt.Sprint(obs, err)
	})
	if code, out, errOut := runPinwheel(t, kubeArgs(e, "drift")...); code != ExitOK || !strings.Contains(out, "no drift: 1 object checked") {
		t.Fatalf("before the edit: exit %d\n%s%s", code, out, errOut)
	}
	// kubectl runs an editor with quotes through the shell.
	edit := exec.Command(kubetest.Kubectl(t), "--kubeconfig", e.Kubeconfig, "-n", e.Namespace, "edit", "deployment/shop")
	edit.Env = append(os.Environ(), `KUBE_EDITOR=sed -i 's/containerPort: 8000/containerPort: 8080/'`)
	if out, err := edit.CombinedOutput(); err != nil {
		t.Fatalf("kubectl edit: %v\n%s", err, out)
	}
	code, out, errOut := runPinwheel(t, kubeArgs(e, "drift", "-o", "json")...)
	var rep drift.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != ExitNo {
		t.Fatalf("after kubectl edit: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	code, text, _ := runPinwheel(t, kubeArgs(e, "drift")...)
	if code != ExitNo || !strings.Contains(text, "DRIFT template-edited   deployment "+e.Namespace+"/shop: pod template changed since pinwheel applied release shop-2") {
		t.Errorf("text: exit %d\n%s", code, text)
	}
	t.Logf("pinwheel drift --target kube:\n%s\n-o json:\n%s", text, out)
	if len(rep.Findings) != 1 || rep.Findings[0].Kind != drift.TemplateEdited || rep.Findings[0].Object != "deployment "+e.Namespace+"/shop" || rep.Findings[0].Release != "shop-2" {
		t.Errorf("findings %+v", rep.Findings)
	}
}

// `pinwheel drift` on a ledger: the live release's registry base was
// pushed again under its tag (exit 1); with --no-bases, and without a
// runtime running, nothing is found and the skipped check is named.
func TestDriftCommandLocal(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	tag, err := name.NewTag(strings.TrimPrefix(srv.URL, "http://") + "/python:3.11-slim")
	if err != nil {
		t.Fatal(err)
	}
	var digests []string
	for range 2 {
		img, _ := random.Image(128, 1)
		if err := remote.Write(tag, img); err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		digests = append(digests, d.String())
	}
	dir := t.TempDir()
	ctx := context.Background()
	store, err := ledgerdb.Open(ctx, filepath.Join(dir, ".pinwheel", "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	rel, err := store.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop",
		Info: attest.BuildInfo{Service: "shop", BaseImage: tag.String() + "@" + digests[0], BaseDigest: digests[0]}}})
	if err == nil {
		err = store.SetReleaseState(ctx, rel.ID, ledger.ReleaseLive, true)
	}
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	ledgerFile := filepath.Join(dir, ".pinwheel", "ledger.db")
	code, out, errOut := runPinwheel(t, "drift", "--ledger", ledgerFile)
	if code != ExitNo || !strings.Contains(out, "DRIFT base-moved        release shop-1: built on "+tag.String()) || !strings.Contains(out, "skipped: local runtime: no `pinwheel up`") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("pinwheel drift:\n%s", out)
	if code, out, errOut := runPinwheel(t, "drift", "--ledger", ledgerFile, "--no-bases"); code != ExitOK || !strings.Contains(out, "no drift") {
		t.Errorf("--no-bases: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runPinwheel(t, "drift", "--ledger", filepath.Join(dir, "none.db")); code != ExitUsage || !strings.Contains(errOut, "none.db") {
		t.Errorf("no ledger: exit %d %s", code, errOut)
	}
	if code, _, errOut := runPinwheel(t, "drift", "-n", "x"); code != ExitUsage || !strings.Contains(errOut, "--namespace applies to --target kube only") {
		t.Errorf("-n without kube: exit %d %s", code, errOut)
	}
}
