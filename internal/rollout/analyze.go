package rollout

import (
	"fmt"
	"strings"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// analyze runs measurement rounds every Analysis.Interval (the first after
// Warmup) until the step has its samples and duration and the latest round
// passed every check. Counters above their limits roll back.
func (e *engine) analyze(a AnalysisStep) progress {
	if e.st.FastTrack {
		e.decide("advance", fmt.Sprintf("step %d: analysis skipped, release already passed analysis", e.st.StepIndex), nil)
		return advance
	}
	c := &e.st.Analysis
	if c.AwaitingRound > 0 {
		if r := e.obs.Analysis; r != nil && r.Step == e.st.StepIndex && r.Round == c.AwaitingRound {
			e.judgeRound(a, *r)
			if e.st.Phase == RollingBack {
				return stopped
			}
			if e.stepComplete(a) {
				e.decide("advance", fmt.Sprintf("step %d: analysis passed after %d rounds", e.st.StepIndex, c.Rounds), nil)
				return advance
			}
			e.after(c.NextRoundAt.Sub(e.now))
			return stay
		}
		if !e.wait(fmt.Sprintf("measurements for round %d", c.AwaitingRound)) {
			return stopped
		}
		e.do(e.runAnalysis(a))
		return stay
	}
	e.stopWaiting() // between rounds nothing is awaited
	if e.now.Before(c.NextRoundAt) {
		e.after(c.NextRoundAt.Sub(e.now))
		return stay
	}
	c.AwaitingRound, c.RequestedAt = c.Rounds+1, e.now
	e.wait(fmt.Sprintf("measurements for round %d", c.AwaitingRound)) // fresh wait: cannot be past the deadline
	e.do(e.runAnalysis(a))
	return stay
}

func (e *engine) runAnalysis(a AnalysisStep) RunAnalysis {
	return RunAnalysis{Step: e.st.StepIndex, Round: e.st.Analysis.AwaitingRound, Checks: e.checks(a.Checks),
		Since: e.st.StepStartedAt, At: e.st.Analysis.RequestedAt}
}

// checks returns the named checks in the step's order.
func (e *engine) checks(names []string) []analysis.Check {
	out := make([]analysis.Check, 0, len(names))
	for _, n := range names {
		for _, c := range e.spec.Checks {
			if c.Name == n {
				out = append(out, c)
			}
		}
	}
	return out
}

// judgeRound evaluates one round, updates the counters, logs the verdicts
// and rolls back when a counter exceeds its limit.
func (e *engine) judgeRound(a AnalysisStep, r AnalysisResult) {
	c := &e.st.Analysis
	verdicts := make([]analysis.Verdict, 0, len(a.Checks))
	var fails, errs, inconclusive []string
	for _, chk := range e.checks(a.Checks) {
		m, ok := r.Measurements[chk.Name]
		var v analysis.Verdict
		if ok {
			v = analysis.Evaluate(chk, m)
		} else {
			v = analysis.Verdict{Check: chk.Name, Kind: chk.Kind, Outcome: analysis.Error, Reason: "no measurement returned by the metrics provider"}
		}
		verdicts = append(verdicts, v)
		switch v.Outcome {
		case analysis.Fail:
			fails = append(fails, v.String())
		case analysis.Error:
			errs = append(errs, v.String())
		case analysis.Inconclusive:
			inconclusive = append(inconclusive, v.String())
		}
	}
	c.Rounds++
	c.AwaitingRound = 0
	c.NextRoundAt = e.now.Add(e.spec.Analysis.Interval.D())
	c.Failures += len(fails)
	c.Inconclusive += len(inconclusive)
	if len(errs) > 0 {
		c.ConsecutiveErrors++
	} else {
		c.ConsecutiveErrors = 0
	}
	c.LastRoundPassed = len(fails)+len(errs)+len(inconclusive) == 0
	e.stopWaiting()

	lim := e.spec.Analysis
	switch {
	case c.Failures > lim.FailureLimit:
		e.beginRollback(RolledBack, fmt.Sprintf("analysis failed at step %d round %d (%d failures, limit %d): %s",
			e.st.StepIndex, c.Rounds, c.Failures, lim.FailureLimit, strings.Join(fails, "; ")), verdicts)
	case c.ConsecutiveErrors > *lim.ConsecutiveErrorLimit:
		e.beginRollback(RolledBack, fmt.Sprintf("analysis errored at step %d in %d consecutive rounds (limit %d): %s",
			e.st.StepIndex, c.ConsecutiveErrors, *lim.ConsecutiveErrorLimit, strings.Join(errs, "; ")), verdicts)
	case c.Inconclusive > *lim.InconclusiveLimit:
		e.beginRollback(RolledBack, fmt.Sprintf("analysis inconclusive at step %d (%d inconclusive verdicts, limit %d): %s",
			e.st.StepIndex, c.Inconclusive, *lim.InconclusiveLimit, strings.Join(inconclusive, "; ")), verdicts)
	default:
		e.decide("measure", fmt.Sprintf("step %d round %d: %s", e.st.StepIndex, c.Rounds, tally(verdicts)), verdicts)
	}
}

// stepComplete: enough rounds, enough time, and the latest round all Pass.
func (e *engine) stepComplete(a AnalysisStep) bool {
	c := e.st.Analysis
	return c.LastRoundPassed && c.Rounds >= max(a.Samples, 1) && e.now.Sub(e.st.StepStartedAt) >= a.Duration.D()
}

func tally(vs []analysis.Verdict) string {
	counts := map[analysis.Outcome]int{}
	for _, v := range vs {
		counts[v.Outcome]++
	}
	var parts []string
	for _, o := range []analysis.Outcome{analysis.Pass, analysis.Fail, analysis.Inconclusive, analysis.Error} {
		if counts[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[o], strings.ToLower(string(o))))
		}
	}
	return strings.Join(parts, ", ")
}
