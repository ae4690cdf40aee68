package rollout

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	update = flag.Bool("update", false, "rewrite golden files under testdata/")
	record = flag.Bool("record", false, "re-record testdata/replay/*.json from the simulated world")
)

// recording is a rollout as a driver saw it: the spec, the releases, and
// every call's time and observations.
type recording struct {
	Spec   Spec           `json:"spec"`
	Stable string         `json:"stable"`
	Canary string         `json:"canary"`
	Calls  []recordedCall `json:"calls,omitempty"`
}

type recordedCall struct {
	At           time.Time    `json:"at"`
	Observations Observations `json:"observations"`
}

// scenarios are re-recorded with -record: a simulated world seed whose run
// shows the named behaviour with testSpec.
var scenarios = map[string]uint64{
	"promoted":          0,
	"rolled_back":       0,
	"aborted":           0,
	"progress_deadline": 0,
}

func TestReplayReproducesDecisions(t *testing.T) {
	if *record {
		recordScenarios(t)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "replay", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recordings under testdata/replay (%v)", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var rec recording
			if err := json.Unmarshal(b, &rec); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			got := replay(t, rec)
			golden := strings.TrimSuffix(file, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("replay of %s differs from %s (run with -update if the change is intended):\n%s", file, golden, firstDiff(got, string(want)))
			}
		})
	}
}

// replay feeds a recording through Next, persisting the status as JSON
// between calls like a driver, and renders every decision and action.
func replay(t *testing.T, rec recording) string {
	t.Helper()
	var out bytes.Buffer
	st := NewStatus(rec.Stable, rec.Canary)
	for i, call := range rec.Calls {
		before := st
		next, actions := Next(rec.Spec, st, call.Observations, call.At)
		fmt.Fprintf(&out, "call %d at %s [%s step %d -> %s step %d]\n", i, call.At.Format("15:04:05"), before.Phase, before.StepIndex, next.Phase, next.StepIndex)
		for _, d := range newDecisions(before, next) {
			fmt.Fprintf(&out, "  decide %s: %s\n", d.Action, d.Reason)
			for _, v := range d.Verdicts {
				fmt.Fprintf(&out, "    %s\n", v)
			}
		}
		for _, a := range actions {
			fmt.Fprintf(&out, "  -> %s\n", a)
		}
		st = deepCopy(t, next)
	}
	fmt.Fprintf(&out, "final: %s terminal=%v: %s\n", st.Phase, st.Terminal, st.Message)
	fmt.Fprintf(&out, "persisted status:\n")
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(st); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, gl, wl)
		}
	}
	return ""
}

// recordScenarios finds, for each scenario, the first seed from its start
// whose simulated run of testSpec ends the named way, and writes it out.
func recordScenarios(t *testing.T) {
	want := map[string]func(Status) bool{
		"promoted": func(s Status) bool { return s.Phase == Promoted && !s.ManualPromotion },
		"rolled_back": func(s Status) bool {
			return s.Phase == RolledBack && strings.Contains(rollbackReason(s), "analysis failed")
		},
		"aborted": func(s Status) bool { return s.Phase == Aborted },
		"progress_deadline": func(s Status) bool {
			return s.Phase == RolledBack && strings.Contains(rollbackReason(s), "progress deadline")
		},
	}
	for name, first := range scenarios {
		for seed := first; seed < first+5000; seed++ {
			rec, final := recordRun(t, seed)
			if !want[name](final) || len(rec.Calls) > 80 && name != "progress_deadline" {
				continue
			}
			if err := os.WriteFile(filepath.Join("testdata", "replay", name+".json"), encodeRecording(t, rec), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("recorded %s from seed %d (%d calls)", name, seed, len(rec.Calls))
			break
		}
	}
}

func rollbackReason(s Status) string {
	for i := len(s.Decisions) - 1; i >= 0; i-- {
		if s.Decisions[i].Action == "rollback" {
			return s.Decisions[i].Reason
		}
	}
	return ""
}

func recordRun(t *testing.T, seed uint64) (recording, Status) {
	w := newWorld(seed)
	rec := recording{Spec: testSpec(), Stable: "v1", Canary: "v2"}
	st := NewStatus("v1", "v2")
	for range 300 {
		obs := w.observe()
		rec.Calls = append(rec.Calls, recordedCall{At: w.now, Observations: obs})
		next, actions := Next(rec.Spec, st, obs, w.now)
		w.apply(actions)
		st = deepCopy(t, next)
		if st.Terminal {
			break
		}
		w.tick(st)
	}
	return rec, st
}

// encodeRecording writes the header indented and one call per line, so
// recordings stay small and diff well.
func encodeRecording(t *testing.T, rec recording) []byte {
	t.Helper()
	calls := rec.Calls
	rec.Calls = nil
	head, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.Write(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(head), []byte("}"))))
	b.WriteString(",\n  \"calls\": [\n")
	for i, c := range calls {
		line, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("    ")
		b.Write(line)
		if i < len(calls)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ]\n}\n")
	return b.Bytes()
}
