package drift

import (
	"slices"
	"testing"

	"pinwheel.dev/pinwheel/internal/runtime"
)

func TestLocal(t *testing.T) {
	running := func(ids ...string) map[string]runtime.ReleaseState {
		m := map[string]runtime.ReleaseState{}
		for _, id := range ids {
			m[id] = runtime.ReleaseState{ID: id, Desired: 2, Ready: 2}
		}
		return m
	}
	rolling := &Rollout{Release: "shop-4", From: "shop-3"}
	finished := &Rollout{Release: "shop-3", From: "shop-2"}
	tests := []struct {
		name string
		p    Placed
		obs  runtime.Observed
		want []string
	}{
		{"live_only", Placed{Service: "shop", Live: "shop-3", Latest: finished},
			runtime.Observed{Stable: "shop-3", Releases: running("shop-3")}, nil},
		{"standby_after_promotion", Placed{Service: "shop", Live: "shop-3", Latest: finished},
			runtime.Observed{Stable: "shop-3", Releases: running("shop-3", "shop-2")}, nil},
		{"rollout_in_progress", Placed{Service: "shop", Live: "shop-3", Active: rolling, Latest: rolling},
			runtime.Observed{Stable: "shop-3", Canary: "shop-4", CanaryWeight: 20, Releases: running("shop-3", "shop-4")}, nil},
		{"release_nobody_placed", Placed{Service: "shop", Live: "shop-3", Latest: finished},
			runtime.Observed{Stable: "shop-3", Releases: running("shop-3", "shop-1")}, []string{"unplaced-release release shop-1"}},
		{"stable_not_live_and_a_stray_canary", Placed{Service: "shop", Live: "shop-3", Latest: finished},
			runtime.Observed{Stable: "shop-2", Canary: "shop-3", CanaryWeight: 50, Releases: running("shop-2", "shop-3")},
			[]string{"replicas-off-spec service shop", "stable-mismatch service shop"}},
		{"scaled_down_leftover_is_fine", Placed{Service: "shop", Live: "shop-3"},
			runtime.Observed{Stable: "shop-3", Releases: map[string]runtime.ReleaseState{"shop-3": {Desired: 2, Ready: 2}, "shop-1": {}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := kinds(Local(tt.p, tt.obs))
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
			}
		})
	}
}
