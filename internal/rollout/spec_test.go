package rollout

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	k8syaml "sigs.k8s.io/yaml"
)

// The documented example decodes the same with yaml.v3 (yaml tags) and
// sigs.k8s.io/yaml (json tags), validates, and appears verbatim in the docs.
func TestExampleSpecDecodesAndValidates(t *testing.T) {
	raw, err := os.ReadFile("testdata/pinwheel.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var viaYAML struct {
		Rollout Spec `yaml:"rollout"`
	}
	if err := yaml.Unmarshal(raw, &viaYAML); err != nil {
		t.Fatalf("yaml.v3: %v", err)
	}
	var viaJSON struct {
		Rollout Spec `json:"rollout"`
	}
	if err := k8syaml.Unmarshal(raw, &viaJSON); err != nil {
		t.Fatalf("sigs.k8s.io/yaml: %v", err)
	}
	s := viaYAML.Rollout
	if !reflect.DeepEqual(s, viaJSON.Rollout) {
		t.Errorf("decoders disagree:\nyaml.v3: %+v\nk8s:     %+v", s, viaJSON.Rollout)
	}
	if err := s.Defaults().Validate(); err != nil {
		t.Fatalf("example does not validate: %v", err)
	}
	if len(s.Steps) != 9 || s.Steps[1].Smoke.Timeout.D() != 30*time.Second || s.Steps[4].Pause.Duration.D() != 10*time.Minute ||
		s.Steps[7].Pause == nil || s.Steps[7].Pause.Duration != 0 || s.Steps[2].Analysis.Duration.D() != 5*time.Minute {
		t.Errorf("steps decoded wrong: %+v", s.Steps)
	}
	if s.Checks[2].FastWindow.D() != 5*time.Minute || s.Checks[2].Objective != 0.999 || *s.Analysis.ConsecutiveErrorLimit != 4 ||
		s.Analysis.Warmup.D() != 30*time.Second || s.ProgressDeadline.D() != 10*time.Minute || !s.FastRollback {
		t.Errorf("settings decoded wrong: %+v %+v", s.Checks[2], s.Analysis)
	}
	doc, err := os.ReadFile("../../docs/rollout.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), string(raw)) {
		t.Error("docs/rollout.md does not contain testdata/pinwheel.yaml verbatim; copy it into the docs")
	}
}

func TestSpecValidate(t *testing.T) {
	base := func() Spec { return testSpec() }
	tests := []struct {
		name    string
		edit    func(*Spec)
		wantErr string
	}{
		{"valid", func(*Spec) {}, ""},
		{"no_steps", func(s *Spec) { s.Steps = nil }, "steps: at least one step is required"},
		{"empty_step", func(s *Spec) { s.Steps[0] = Step{} }, "steps[0]: expected exactly one of setWeight, pause, analysis or smoke, got 0"},
		{"two_kinds_in_one_step", func(s *Spec) { s.Steps[0].Pause = &PauseStep{} }, "steps[0]: expected exactly one of setWeight, pause, analysis or smoke, got 2"},
		{"weight_over_100", func(s *Spec) { s.Steps[0].SetWeight = ip(101) }, "steps[0].setWeight: expected a percentage from 0 to 100, got 101"},
		{"negative_pause", func(s *Spec) { s.Steps[1].Pause.Duration = dur(-time.Second) }, "steps[1].pause.duration: must not be negative"},
		{"unknown_check", func(s *Spec) { s.Steps[2].Analysis.Checks = []string{"p99"} }, `steps[2].analysis.checks: unknown check "p99" (define it under rollout.checks)`},
		{"check_listed_twice", func(s *Spec) { s.Steps[2].Analysis.Checks = []string{"latency", "latency"} }, `check "latency" listed twice`},
		{"analysis_without_checks", func(s *Spec) { s.Steps[2].Analysis.Checks = nil }, "steps[2].analysis.checks: name at least one check"},
		{"smoke_without_test", func(s *Spec) { s.Steps[3].Smoke = &SmokeStep{} }, "steps[3].smoke: needs a command, http probes or both"},
		{"probe_relative_path", func(s *Spec) { s.Steps[3].Smoke.HTTP[0].Path = "healthz" }, `steps[3].smoke.http[0].path: expected an absolute path such as /healthz, got "healthz"`},
		{"probe_bad_status", func(s *Spec) { s.Steps[3].Smoke.HTTP[0].ExpectStatus = 42 }, "expectStatus: expected an HTTP status 100-599, got 42"},
		{"duplicate_check", func(s *Spec) { s.Checks = append(s.Checks, s.Checks[0]) }, `checks[2].name: duplicate check name "error-rate"`},
		{"bad_check_reported_with_path", func(s *Spec) { s.Checks[0].Max = nil }, "checks[0].max: a threshold check needs min, max or both"},
		{"negative_interval", func(s *Spec) { s.Analysis.Interval = dur(-time.Second) }, "analysis.interval: must be a positive duration"},
		{"negative_limit", func(s *Spec) { s.Analysis.InconclusiveLimit = ip(-1) }, "analysis.inconclusiveLimit: must not be negative, got -1"},
		{"negative_deadline", func(s *Spec) { s.ProgressDeadline = dur(-time.Minute) }, "progressDeadline: must be a positive duration"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(&s)
			err := s.Defaults().Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v\nwant it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestDefaultsFillEverythingAndKeepExplicitZeros(t *testing.T) {
	s := Spec{Steps: []Step{{Smoke: &SmokeStep{HTTP: []HTTPProbe{{Path: "/"}}}}}, Analysis: AnalysisSettings{InconclusiveLimit: ip(0)}}
	d := s.Defaults()
	if d.Analysis.Interval != DefaultInterval || *d.Analysis.ConsecutiveErrorLimit != DefaultConsecutiveErrorLimit || *d.Analysis.InconclusiveLimit != 0 ||
		d.ProgressDeadline != DefaultProgressDeadline || d.ScaleDownDelay != DefaultScaleDownDelay ||
		d.Steps[0].Smoke.Timeout != DefaultSmokeTimeout || d.Steps[0].Smoke.HTTP[0].ExpectStatus != 200 {
		t.Errorf("defaults: %+v smoke %+v", d, d.Steps[0].Smoke)
	}
	if s.Steps[0].Smoke.Timeout != 0 || s.Steps[0].Smoke.HTTP[0].ExpectStatus != 0 {
		t.Error("Defaults modified its receiver's steps")
	}
}

func TestFieldErrorsNameEveryPath(t *testing.T) {
	s := testSpec()
	s.Steps[0].SetWeight = ip(-1)
	s.Checks[1].Alpha = 2
	s.Steps[2].Analysis.Checks = []string{"nope"}
	var paths []string
	for _, fe := range FieldErrors(s.Defaults().Validate()) {
		paths = append(paths, fe.Path)
	}
	want := []string{"checks[1].alpha", "steps[0].setWeight", "steps[2].analysis.checks"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("paths = %q, want %q", paths, want)
	}
}
