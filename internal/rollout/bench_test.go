package rollout

import (
	"testing"
	"time"
)

// BenchmarkNext measures one decision in the most expensive common case:
// judging an analysis round (threshold + Mann-Whitney compare) with a full
// decision log to copy.
func BenchmarkNext(b *testing.B) {
	spec := testSpec()
	st := at(2, Analyzing, awaiting(1))
	for len(st.Decisions) < MaxDecisions {
		st.record(Decision{Time: t0, Action: "measure", Reason: "filler"})
	}
	obs := healthy(func(o *Observations) { o.Analysis = goodRound(2, 1) })
	now := t0.Add(time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		Next(spec, st, obs, now)
	}
}

// BenchmarkNextIdle is the common poll: a timed pause with nothing to do.
func BenchmarkNextIdle(b *testing.B) {
	spec := testSpec()
	st := at(1, Paused)
	obs := healthy()
	now := t0.Add(10 * time.Second)
	b.ReportAllocs()
	for b.Loop() {
		Next(spec, st, obs, now)
	}
}
