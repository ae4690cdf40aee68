package controller

import (
	"context"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/verify"
	"pinwheel.dev/pinwheel/internal/verify/verifytest"
)

// With Admit set to the signed-provenance check (pinwheel controller
// --verify-key), a Release of an unsigned image fails before anything is
// rolled out, and one of a signed image is promoted.
func TestClusterAdmitsOnlySignedImages(t *testing.T) {
	e := clusterEnv(t, 2)
	reg := verifytest.NewRegistry(t)
	signed, unsigned := reg.Push(t, "shop", "2.0.0", true), reg.Push(t, "shop", "2.0.1", false)
	startController(t, e, Options{Admit: verify.Admission(verify.Policy{Key: reg.Signer.Public()})})

	bad := newRelease(e.Namespace, "shop-unsigned", unsigned, weight(50), pause(time.Second))
	if err := e.Client.Create(context.Background(), bad); err != nil {
		t.Fatal(err)
	}
	got := waitPhase(t, e, bad.Name, rollout.Promoted, rollout.RolledBack, rollout.Failed, rollout.Aborted)
	if got.Status.Phase != string(rollout.Failed) || !strings.Contains(got.Status.Message, "image "+unsigned+" refused: its attestations do not verify: no signed attestations") {
		t.Fatalf("unsigned: phase %s: %s", got.Status.Phase, got.Status.Message)
	}
	if img := deployment(t, e, "shop").Spec.Template.Spec.Containers[0].Image; img != imageA {
		t.Errorf("stable runs %s after a refused Release, want %s", img, imageA)
	}

	good := newRelease(e.Namespace, "shop-signed", signed, weight(50), pause(time.Second))
	if err := e.Client.Create(context.Background(), good); err != nil {
		t.Fatal(err)
	}
	if got := waitPhase(t, e, good.Name, rollout.Promoted, rollout.RolledBack, rollout.Failed, rollout.Aborted); got.Status.Phase != string(rollout.Promoted) {
		t.Fatalf("signed: phase %s: %s", got.Status.Phase, got.Status.Message)
	}
}
