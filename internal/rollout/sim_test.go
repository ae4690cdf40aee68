package rollout

import (
	"math"
	"math/rand/v2"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// world is a simulated runtime, metrics provider and operator for property
// tests: it carries out actions with random delays and answers requests with
// random (good, bad, thin, NaN, failing, stale or missing) data. It is driven
// only by its seeded generator, so every run is reproducible.
type world struct {
	rng *rand.Rand
	now time.Time

	canaryDesired, canaryReady int
	applied, pendingWeight     int
	weightDelay                int
	stable, canary             string
	promoteDelay               int
	inFlight                   int
	neverReady                 bool // a canary that never becomes ready

	smoke       *RunSmoke
	smokeDelay  int
	smokePassed bool
	run         *RunAnalysis
	runDelay    int
	commands    []Command
}

func newWorld(seed uint64) *world {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &world{rng: rng, now: t0, stable: "v1", canary: "v2", pendingWeight: -1, neverReady: rng.IntN(20) == 0}
}

func (w *world) chance(p float64) bool { return w.rng.Float64() < p }

// apply carries out actions (maybe only the first n of them).
func (w *world) apply(actions []Action) {
	for _, a := range actions {
		switch a := a.(type) {
		case ScaleCanary:
			w.canaryDesired = max(1, a.Weight/10)
			if w.chance(0.2) {
				w.inFlight = w.rng.IntN(3)
			}
		case SetWeight:
			w.pendingWeight, w.weightDelay = a.Weight, w.rng.IntN(3)
		case RunSmoke:
			if w.smoke == nil || w.smoke.Step != a.Step {
				w.smoke, w.smokeDelay, w.smokePassed = &a, w.rng.IntN(4), w.chance(0.8)
			}
		case RunAnalysis:
			if w.run == nil || w.run.Round != a.Round || w.run.Step != a.Step {
				w.run, w.runDelay = &a, w.rng.IntN(4)
			}
		case Promote:
			if w.promoteDelay == 0 {
				w.promoteDelay = 1 + w.rng.IntN(3)
			}
		case Rollback:
			w.pendingWeight, w.weightDelay = 0, w.rng.IntN(2)
			w.canaryDesired, w.canaryReady = 0, 0
		case RequeueAfter:
			step := a.After
			if w.chance(0.3) {
				step = time.Duration(w.rng.Int64N(int64(a.After)) + 1)
			}
			w.now = w.now.Add(step)
		}
	}
}

// tick moves the world on by one driver call.
func (w *world) tick(st Status) {
	if w.inFlight > 0 {
		w.inFlight--
	}
	if w.canaryReady < w.canaryDesired && !w.neverReady {
		w.canaryReady++
	}
	if w.pendingWeight >= 0 {
		if w.weightDelay == 0 {
			w.applied, w.pendingWeight = w.pendingWeight, -1
		} else {
			w.weightDelay--
		}
	}
	if w.promoteDelay > 0 {
		if w.promoteDelay--; w.promoteDelay == 0 {
			w.stable, w.applied = w.canary, 100
		}
	}
	w.commands = nil
	if w.chance(0.03) {
		kinds := []CommandKind{CommandResume, CommandResume, CommandResume, CommandPromote, CommandAbort, CommandRollback}
		c := Command{Kind: kinds[w.rng.IntN(len(kinds))], Step: st.StepIndex, By: "sim"}
		if w.chance(0.2) {
			c.Step = w.rng.IntN(8)
		}
		w.commands = append(w.commands, c)
	}
}

func (w *world) observe() Observations {
	o := Observations{
		Canary:        Readiness{Ready: w.canaryReady, Desired: w.canaryDesired},
		Stable:        Readiness{Ready: 4, Desired: 4},
		AppliedWeight: w.applied, StableRelease: w.stable,
		InFlight: w.inFlight > 0, Commands: w.commands,
	}
	if w.smoke != nil {
		if w.smokeDelay == 0 && !w.chance(0.05) {
			o.Smoke = &SmokeResult{Step: w.smoke.Step, Passed: w.smokePassed, Reason: "sim"}
		} else if w.smokeDelay > 0 {
			w.smokeDelay--
		}
	}
	if w.run != nil {
		if w.runDelay == 0 {
			o.Analysis = w.measure(*w.run)
		} else {
			w.runDelay--
		}
	}
	return o
}

// measure answers a RunAnalysis with random-quality data.
func (w *world) measure(r RunAnalysis) *AnalysisResult {
	res := &AnalysisResult{Step: r.Step, Round: r.Round, Measurements: map[string]analysis.Measurement{}}
	if w.chance(0.05) {
		res.Round-- // stale answer
	}
	for _, c := range r.Checks {
		n := 6 + w.rng.IntN(10)
		good, bad := 0.01, 0.3
		if c.Kind == analysis.BurnRate {
			good, bad = 0.00001, 0.5
		}
		var m analysis.Measurement
		switch q := w.rng.IntN(100); {
		case q < 70:
			m.Canary, m.Stable = w.series(good, n), w.series(good, n)
		case q < 80:
			m.Canary, m.Stable = w.series(bad, n), w.series(good, n)
		case q < 87:
			m.Canary, m.Stable = w.series(good, 1), w.series(good, 1)
		case q < 92:
			m.Canary, m.Stable = w.series(math.NaN(), n), w.series(good, n)
		case q < 97:
			m.Err = "provider down"
		default:
			continue // missing
		}
		res.Measurements[c.Name] = m
	}
	return res
}

func (w *world) series(v float64, n int) []analysis.Sample {
	out := make([]analysis.Sample, n)
	for i := range out {
		jitter := 1 + 0.05*w.rng.Float64()
		out[i] = analysis.Sample{Time: w.now.Add(time.Duration(i-n) * 10 * time.Second), Value: v * jitter}
	}
	return out
}

// randomSpec builds a valid spec of 1-7 steps.
func randomSpec(rng *rand.Rand) Spec {
	s := Spec{
		Checks: []analysis.Check{
			{Name: "error-rate", Kind: analysis.Threshold, Max: fp(0.05), MinSamples: 3},
			{Name: "latency", Kind: analysis.Compare, MinSamples: 5},
			{Name: "budget", Kind: analysis.BurnRate, Objective: 0.999, FastWindow: dur(time.Minute), SlowWindow: dur(5 * time.Minute), MinSamples: 2},
		},
		Analysis: AnalysisSettings{
			Interval: dur(time.Duration(10+rng.IntN(60)) * time.Second), Warmup: dur(time.Duration(rng.IntN(30)) * time.Second),
			FailureLimit: rng.IntN(2), ConsecutiveErrorLimit: ip(rng.IntN(3)), InconclusiveLimit: ip(rng.IntN(4)),
		},
		FastRollback: rng.IntN(2) == 0,
	}
	names := []string{"error-rate", "latency", "budget"}
	for range 1 + rng.IntN(7) {
		var st Step
		switch rng.IntN(5) {
		case 0, 1:
			st.SetWeight = ip(rng.IntN(101))
		case 2:
			st.Pause = &PauseStep{Duration: dur(time.Duration(rng.IntN(3)) * time.Minute)}
		case 3:
			k := 1 + rng.IntN(3)
			st.Analysis = &AnalysisStep{Checks: names[:k], Samples: rng.IntN(4), Duration: dur(time.Duration(rng.IntN(3)) * time.Minute)}
		default:
			st.Smoke = &SmokeStep{Command: []string{"true"}, Timeout: dur(30 * time.Second)}
		}
		s.Steps = append(s.Steps, st)
	}
	return s
}
