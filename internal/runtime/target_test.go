package runtime

import "testing"

func TestCanaryReplicas(t *testing.T) {
	for _, tc := range []struct{ replicas, weight, want int }{
		{4, 0, 1}, {4, 5, 1}, {4, 25, 1}, {4, 26, 2}, {4, 50, 2}, {4, 100, 4}, {3, 50, 2}, {0, 50, 1},
	} {
		if got := CanaryReplicas(tc.replicas, tc.weight); got != tc.want {
			t.Errorf("CanaryReplicas(%d, %d) = %d, want %d", tc.replicas, tc.weight, got, tc.want)
		}
	}
}

func TestRolloutObservations(t *testing.T) {
	o := Observed{Stable: "v1", Canary: "v2", CanaryWeight: 20, Converged: false, Releases: map[string]ReleaseState{
		"v1": {Desired: 2, Ready: 2}, "v2": {Desired: 1, Ready: 0},
	}}
	got := o.RolloutObservations("v1", "v2")
	if got.Canary.Ready != 0 || got.Canary.Desired != 1 || got.Stable.Ready != 2 || got.AppliedWeight != 20 || got.StableRelease != "v1" || !got.InFlight {
		t.Errorf("observations %+v", got)
	}
}
