package analysis

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"testing"
	"time"
)

// FuzzEvaluate: any check and any samples give a verdict that marshals, and
// Pass never comes from fewer than MinSamples finite samples.
func FuzzEvaluate(f *testing.F) {
	f.Add(uint8(0), 0.05, 3, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add(uint8(1), 0.999, 2, []byte{0xff, 0xf8, 0, 0, 0, 0, 0, 1})
	f.Add(uint8(2), 0.1, 1, []byte{})
	f.Fuzz(func(t *testing.T, kind uint8, param float64, minSamples int, raw []byte) {
		c := Check{Name: "x", MinSamples: minSamples}
		switch kind % 3 {
		case 0:
			c.Kind, c.Max = Threshold, &param
		case 1:
			c.Kind, c.Objective = BurnRate, param
		default:
			c.Kind, c.Tolerance = Compare, param
		}
		c = c.Defaults()
		var canary, stable []Sample
		for i := 0; i+8 <= len(raw); i += 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(raw[i:]))
			s := Sample{Time: t0.Add(time.Duration(raw[i]) * time.Minute), Value: v}
			if i%16 == 0 {
				canary = append(canary, s)
			} else {
				stable = append(stable, s)
			}
		}
		v := Evaluate(c, Measurement{Canary: canary, Stable: stable})
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("verdict does not marshal: %v", err)
		}
		if v.Outcome == Pass {
			n, _ := finite(canary)
			if len(n) < c.MinSamples {
				t.Fatalf("Pass from %d finite samples, minSamples %d", len(n), c.MinSamples)
			}
		}
		if v.Reason == "" {
			t.Fatal("verdict without a reason")
		}
	})
}

// FuzzSampleJSON: decoding arbitrary JSON never panics and what decodes
// re-encodes.
func FuzzSampleJSON(f *testing.F) {
	f.Add(`{"t":"2026-01-01T00:00:00Z","v":1.5}`)
	f.Add(`{"t":"2026-01-01T00:00:00Z","v":"NaN"}`)
	f.Add(`{"v":"-Inf"}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var s Sample
		if json.Unmarshal([]byte(doc), &s) != nil {
			return
		}
		if _, err := json.Marshal(s); err != nil && s.Time.Year() >= 0 && s.Time.Year() < 10000 {
			t.Fatalf("decoded %q but cannot re-encode: %v", doc, err)
		}
	})
}
