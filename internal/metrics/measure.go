package metrics

import (
	"context"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// Round is one analysis round of a rollout: what to measure and over which
// window (rollout.RunAnalysis gives Since and At).
type Round struct {
	Service string
	Canary  string
	// Stable is the release compare checks measure the canary against.
	Stable string
	// Since is when the canary's current traffic began, At when the round
	// was asked for; samples come from [Since, At].
	Since, At time.Time
	// Step is the sample resolution (zero: DefaultStep).
	Step time.Duration
}

// Measure queries p for every check and returns the measurements by check
// name, ready for rollout.AnalysisResult. Compare checks get stable samples
// too; burn-rate checks look back over their slow window even when the step
// started later. A query that fails becomes a Measurement with Err set (the
// verdict is then Error), so one broken query never hides the others.
func Measure(ctx context.Context, p Provider, checks []analysis.Check, r Round) map[string]analysis.Measurement {
	out := make(map[string]analysis.Measurement, len(checks))
	for _, c := range checks {
		c = c.Defaults()
		q := Query{Expr: c.Query, Service: r.Service, Release: r.Canary, Start: r.Since, End: r.At, Step: r.Step}
		if c.Kind == analysis.BurnRate {
			if from := r.At.Add(-time.Duration(c.SlowWindow)); from.Before(q.Start) {
				q.Start = from
			}
		}
		var m analysis.Measurement
		resolved, err := p.Resolve(q)
		if err != nil {
			out[c.Name] = analysis.Measurement{Query: c.Query, Err: err.Error()}
			continue
		}
		m.Query = resolved
		if m.Canary, err = p.Query(ctx, q); err != nil {
			m.Err = err.Error()
		}
		if c.Kind == analysis.Compare && m.Err == "" {
			sq := q
			sq.Release = r.Stable
			if m.Stable, err = p.Query(ctx, sq); err != nil {
				m.Err = err.Error()
			}
		}
		out[c.Name] = m
	}
	return out
}
