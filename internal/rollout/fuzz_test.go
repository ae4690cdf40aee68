package rollout

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	"pinwheel.dev/pinwheel/internal/analysis"
)

// bytesource turns fuzz input into choices; exhausted input yields zeros.
type bytesource struct{ b []byte }

func (s *bytesource) next() int {
	if len(s.b) == 0 {
		return 0
	}
	v := int(s.b[0])
	s.b = s.b[1:]
	return v
}

// observation builds hostile observations: odd weights, negative counts,
// stale or future rounds, NaN samples, unknown checks, every command.
func (s *bytesource) observation(st Status, now time.Time) Observations {
	o := Observations{
		Canary:          Readiness{Ready: s.next() - 16, Desired: s.next() - 16},
		AppliedWeight:   s.next() - 28,
		InFlight:        s.next()%4 == 0,
		CanaryKnownGood: s.next()%2 == 0,
	}
	if s.next()%2 == 0 {
		o.StableRelease = st.CanaryRelease
	}
	if s.next()%3 == 0 {
		o.Smoke = &SmokeResult{Step: st.StepIndex + s.next()%3 - 1, Passed: s.next()%2 == 0}
	}
	if s.next()%2 == 0 {
		r := &AnalysisResult{Step: st.StepIndex, Round: st.Analysis.AwaitingRound + s.next()%3 - 1, Measurements: map[string]analysis.Measurement{}}
		values := []float64{0, 0.01, 0.5, -1, math.NaN(), math.Inf(1), math.MaxFloat64, 1e-300}
		for _, name := range []string{"error-rate", "latency", "nope"} {
			var m analysis.Measurement
			n := s.next() % 12
			for i := range n {
				m.Canary = append(m.Canary, analysis.Sample{Time: now.Add(-time.Duration(i) * time.Second), Value: values[s.next()%len(values)]})
				m.Stable = append(m.Stable, analysis.Sample{Time: now.Add(-time.Duration(s.next()) * time.Second), Value: values[s.next()%len(values)]})
			}
			if s.next()%7 == 0 {
				m.Err = "boom"
			}
			r.Measurements[name] = m
		}
		o.Analysis = r
	}
	if k := s.next() % 8; k < 4 {
		kinds := []CommandKind{CommandResume, CommandPromote, CommandAbort, CommandRollback}
		o.Commands = []Command{{Kind: kinds[k], Step: s.next() % 8}}
	}
	return o
}

func FuzzNext(f *testing.F) {
	f.Add([]byte{}, []byte{})
	f.Add([]byte(`{"steps":[{"setWeight":50},{"pause":{}},{"analysis":{"checks":["error-rate"]}}],"checks":[{"name":"error-rate","kind":"threshold","max":0.1}]}`), []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte(`{"steps":[{"setWeight":-5}]}`), []byte{255, 0, 255, 0})
	f.Add([]byte(`{"steps":[{}],"analysis":{"interval":"-1s"}}`), []byte{7, 7, 7})
	f.Fuzz(func(t *testing.T, specJSON, choices []byte) {
		spec := testSpec()
		if len(specJSON) > 0 {
			spec = Spec{}
			if json.Unmarshal(specJSON, &spec) != nil {
				return
			}
		}
		src := &bytesource{b: choices}
		st := NewStatus("v1", "v2")
		now := t0
		for range 64 {
			before := st
			var actions []Action
			st, actions = Next(spec, st, src.observation(st, now), now)
			if st.Terminal != st.Phase.IsTerminal() {
				t.Fatalf("terminal %v in phase %s", st.Terminal, st.Phase)
			}
			if before.Terminal && len(actions) > 0 {
				t.Fatalf("terminal rollout acted: %s", render(actions))
			}
			if _, err := json.Marshal(st); err != nil {
				t.Fatalf("status does not marshal: %v", err)
			}
			now = now.Add(time.Duration(src.next()) * time.Second)
		}
	})
}

// FuzzSpecYAML feeds arbitrary `rollout:` YAML through Defaults, Validate and
// one Next call: bad input is an error or a Failed rollout, never a panic.
func FuzzSpecYAML(f *testing.F) {
	f.Add("steps:\n  - setWeight: 20\n  - pause: {duration: 30s}\n  - pause: {}\n")
	f.Add("steps:\n  - analysis: {checks: [e], samples: 3}\nchecks:\n  - {name: e, kind: burnRate, objective: 0.999}\n")
	f.Add("steps:\n  - smoke: {command: [curl], http: [{path: /x, expectStatus: 204}], timeout: 5s}\n")
	f.Add("steps: [{setWeight: 10, pause: {}}]\nanalysis: {consecutiveErrorLimit: -1}\n")
	f.Fuzz(func(t *testing.T, doc string) {
		var spec Spec
		if yaml.Unmarshal([]byte(doc), &spec) != nil {
			return
		}
		err := spec.Defaults().Validate()
		st, _ := Next(spec, NewStatus("a", "b"), Observations{}, t0)
		if err != nil && st.Phase != Failed {
			t.Fatalf("invalid spec (%v) gave phase %s", err, st.Phase)
		}
		if err == nil && st.Phase == Failed {
			t.Fatalf("valid spec failed: %s", st.Message)
		}
	})
}
