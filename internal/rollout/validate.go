package rollout

import (
	"errors"
	"fmt"
	"slices"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// Defaults returns s with every empty setting filled in, checks included.
// Next applies Defaults itself; call it to show users the effective spec.
func (s Spec) Defaults() Spec {
	if s.Analysis.Interval == 0 {
		s.Analysis.Interval = DefaultInterval
	}
	if s.Analysis.ConsecutiveErrorLimit == nil {
		s.Analysis.ConsecutiveErrorLimit = intPtr(DefaultConsecutiveErrorLimit)
	}
	if s.Analysis.InconclusiveLimit == nil {
		s.Analysis.InconclusiveLimit = intPtr(DefaultInconclusiveLimit)
	}
	if s.ProgressDeadline == 0 {
		s.ProgressDeadline = DefaultProgressDeadline
	}
	if s.ScaleDownDelay == 0 {
		s.ScaleDownDelay = DefaultScaleDownDelay
	}
	s.Checks = slices.Clone(s.Checks)
	for i := range s.Checks {
		s.Checks[i] = s.Checks[i].Defaults()
	}
	s.Steps = slices.Clone(s.Steps)
	for i, st := range s.Steps {
		if st.Smoke != nil {
			sm := *st.Smoke
			if sm.Timeout == 0 {
				sm.Timeout = DefaultSmokeTimeout
			}
			sm.HTTP = slices.Clone(sm.HTTP)
			for j := range sm.HTTP {
				if sm.HTTP[j].ExpectStatus == 0 {
					sm.HTTP[j].ExpectStatus = DefaultExpectStatus
				}
			}
			s.Steps[i].Smoke = &sm
		}
	}
	return s
}

func intPtr(n int) *int { return &n }

// FieldError is one problem in the `rollout:` section. Path names the field
// below `rollout:` with YAML keys and list indexes ("steps[2].analysis.checks",
// "checks[1].alpha"), so a config loader can point at its line; a path naming
// a key that is absent refers to the mapping that lacks it.
type FieldError struct {
	Path string
	Msg  string
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Msg }

// FieldErrors returns the *FieldError values inside an error from Validate.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		for _, e := range joined.Unwrap() {
			out = append(out, FieldErrors(e)...)
		}
		return out
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		out = append(out, fe)
	}
	return out
}

// Validate reports every problem in s (after Defaults) as one error joining
// *FieldError values, e.g. "steps[2].analysis.checks: unknown check \"latency\"".
func (s Spec) Validate() error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if len(s.Steps) == 0 {
		bad("steps", "at least one step is required (e.g. - setWeight: 100)")
	}
	checks := map[string]bool{}
	for i, c := range s.Checks {
		path := fmt.Sprintf("checks[%d]", i)
		if c.Name != "" {
			if checks[c.Name] {
				bad(path+".name", "duplicate check name %q", c.Name)
			}
			checks[c.Name] = true
		}
		var joined interface{ Unwrap() []error }
		if err := c.Validate(); errors.As(err, &joined) {
			for _, e := range joined.Unwrap() {
				var fe *analysis.FieldError
				if errors.As(e, &fe) {
					bad(path+"."+fe.Field, "%s", fe.Msg)
				}
			}
		}
	}
	for i, st := range s.Steps {
		validateStep(fmt.Sprintf("steps[%d]", i), st, checks, bad)
	}
	a := s.Analysis
	if a.Interval <= 0 {
		bad("analysis.interval", "must be a positive duration, got %s", a.Interval)
	}
	if a.Warmup < 0 {
		bad("analysis.warmup", "must not be negative, got %s", a.Warmup)
	}
	if a.FailureLimit < 0 {
		bad("analysis.failureLimit", "must not be negative, got %d", a.FailureLimit)
	}
	if a.ConsecutiveErrorLimit != nil && *a.ConsecutiveErrorLimit < 0 {
		bad("analysis.consecutiveErrorLimit", "must not be negative, got %d", *a.ConsecutiveErrorLimit)
	}
	if a.InconclusiveLimit != nil && *a.InconclusiveLimit < 0 {
		bad("analysis.inconclusiveLimit", "must not be negative, got %d", *a.InconclusiveLimit)
	}
	if s.ProgressDeadline <= 0 {
		bad("progressDeadline", "must be a positive duration, got %s", s.ProgressDeadline)
	}
	if s.ScaleDownDelay < 0 {
		bad("scaleDownDelay", "must not be negative, got %s", s.ScaleDownDelay)
	}
	return errors.Join(errs...)
}

func validateStep(path string, st Step, checks map[string]bool, bad func(string, string, ...any)) {
	n := 0
	for _, set := range []bool{st.SetWeight != nil, st.Pause != nil, st.Analysis != nil, st.Smoke != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		bad(path, "expected exactly one of setWeight, pause, analysis or smoke, got %d", n)
		return
	}
	switch {
	case st.SetWeight != nil:
		if w := *st.SetWeight; w < 0 || w > 100 {
			bad(path+".setWeight", "expected a percentage from 0 to 100, got %d", w)
		}
	case st.Pause != nil:
		if st.Pause.Duration < 0 {
			bad(path+".pause.duration", "must not be negative, got %s", st.Pause.Duration)
		}
	case st.Analysis != nil:
		a := st.Analysis
		if len(a.Checks) == 0 {
			bad(path+".analysis.checks", "name at least one check from rollout.checks")
		}
		seen := map[string]bool{}
		for _, name := range a.Checks {
			if !checks[name] {
				bad(path+".analysis.checks", "unknown check %q (define it under rollout.checks)", name)
			}
			if seen[name] {
				bad(path+".analysis.checks", "check %q listed twice", name)
			}
			seen[name] = true
		}
		if a.Duration < 0 || a.Samples < 0 {
			bad(path+".analysis", "duration and samples must not be negative")
		}
	case st.Smoke != nil:
		sm := st.Smoke
		if len(sm.Command) == 0 && len(sm.HTTP) == 0 {
			bad(path+".smoke", "needs a command, http probes or both")
		}
		for j, p := range sm.HTTP {
			if len(p.Path) == 0 || p.Path[0] != '/' {
				bad(fmt.Sprintf("%s.smoke.http[%d].path", path, j), "expected an absolute path such as /healthz, got %q", p.Path)
			}
			if p.ExpectStatus < 100 || p.ExpectStatus > 599 {
				bad(fmt.Sprintf("%s.smoke.http[%d].expectStatus", path, j), "expected an HTTP status 100-599, got %d", p.ExpectStatus)
			}
		}
		if sm.Timeout <= 0 {
			bad(path+".smoke.timeout", "must be a positive duration, got %s", sm.Timeout)
		}
	}
}
