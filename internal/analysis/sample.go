package analysis

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// Sample is one value of a metric at a point in time.
type Sample struct {
	Time  time.Time
	Value float64
}

// sampleJSON is Sample on the wire. The value is a JSON number, or one of the
// strings "NaN", "+Inf", "-Inf" (Prometheus returns those, JSON cannot).
type sampleJSON struct {
	Time  time.Time       `json:"t"`
	Value json.RawMessage `json:"v"`
}

// MarshalJSON writes {"t": RFC 3339 time, "v": value}.
func (s Sample) MarshalJSON() ([]byte, error) {
	var v []byte
	switch {
	case math.IsNaN(s.Value):
		v = []byte(`"NaN"`)
	case math.IsInf(s.Value, 1):
		v = []byte(`"+Inf"`)
	case math.IsInf(s.Value, -1):
		v = []byte(`"-Inf"`)
	default:
		v = strconv.AppendFloat(nil, s.Value, 'g', -1, 64)
	}
	return json.Marshal(sampleJSON{Time: s.Time, Value: v})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Sample) UnmarshalJSON(b []byte) error {
	var w sampleJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s.Time = w.Time
	var str string
	if err := json.Unmarshal(w.Value, &str); err == nil {
		f, err := strconv.ParseFloat(str, 64)
		if err != nil {
			return fmt.Errorf("sample value %q: expected a number, NaN, +Inf or -Inf", str)
		}
		s.Value = f
		return nil
	}
	if err := json.Unmarshal(w.Value, &s.Value); err != nil {
		return fmt.Errorf("sample value %s: expected a number", w.Value)
	}
	return nil
}

// Measurement is what a metrics provider returned for one check: samples for
// the canary and (for compare) the stable release, or an error.
type Measurement struct {
	// Query is the query as the provider resolved it (templates filled in).
	Query  string   `json:"query,omitempty"`
	Canary []Sample `json:"canary,omitempty"`
	Stable []Sample `json:"stable,omitempty"`
	// Err is the provider's error, if the query failed. A non-empty Err makes
	// the verdict Error whatever the samples say.
	Err string `json:"error,omitempty"`
}

// finite returns the finite values of samples and how many were dropped.
func finite(samples []Sample) (vals []float64, dropped int) {
	vals = make([]float64, 0, len(samples))
	for _, s := range samples {
		if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
			dropped++
			continue
		}
		vals = append(vals, s.Value)
	}
	return vals, dropped
}

// byTime returns a copy of samples ordered oldest first (stable for equal times).
func byTime(samples []Sample) []Sample {
	out := slices.Clone(samples)
	slices.SortStableFunc(out, func(a, b Sample) int { return a.Time.Compare(b.Time) })
	return out
}
