package deploy

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

// decodeRuntimeYAML parses src as pinwheel.yaml and builds its runtime: section.
func decodeRuntimeYAML(t testing.TB, src string) (config.Runtime, error) {
	c, err := config.Parse("pinwheel.yaml", []byte(src))
	if err != nil {
		if strings.Contains(err.Error(), "invalid YAML") {
			t.Skip("not yaml")
		}
		return config.Runtime{}, err
	}
	return c.RuntimeSection()
}

func TestDecodeRuntime(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      config.Runtime
		wantErr   string // substring, with position
	}{
		{"absent", "service: x\n", config.Runtime{}, ""},
		{"empty", "runtime:\n", config.Runtime{}, ""},
		{"both", "runtime:\n  replicas: 3\n  readinessPath: /ready\n", config.Runtime{Replicas: 3, ReadinessPath: "/ready"}, ""},
		{"zero_replicas", "runtime:\n  replicas: 0\n", config.Runtime{}, "pinwheel.yaml:2:13: runtime.replicas: expected a whole number from 1 to 100"},
		{"string_replicas", "runtime:\n  replicas: \"3\"\n", config.Runtime{}, "pinwheel.yaml:2:13: runtime.replicas"},
		{"relative_path", "runtime:\n  readinessPath: healthz\n", config.Runtime{}, "pinwheel.yaml:2:18: runtime.readinessPath: expected an HTTP path starting with /"},
		{"unknown_key", "runtime:\n  replica: 3\n", config.Runtime{}, "pinwheel.yaml:2:3: runtime: unknown key \"replica\""},
		{"duplicate_key", "runtime:\n  replicas: 3\n  replicas: 4\n", config.Runtime{}, "pinwheel.yaml:3:3: runtime: duplicate key"},
		{"not_mapping", "runtime: [1]\n", config.Runtime{}, "pinwheel.yaml:1:10: runtime: expected a mapping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeRuntimeYAML(t, tc.src)
			if tc.wantErr == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
				}
				return
			}
			var ie *inputerr.Error
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want an input error containing %q", err, tc.wantErr)
			}
		})
	}
}

// TestRuntimeSectionSetsReplicasAndReadiness: pinwheel.yaml's runtime:
// section reaches the rollout's persisted state; StartOptions override it.
func TestRuntimeSectionSetsReplicasAndReadiness(t *testing.T) {
	dir := shopCopy(t)
	replaceInFile(t, filepath.Join(dir, "pinwheel.yaml"), "\nrollout:\n", "\nruntime:\n  replicas: 3\n  readinessPath: /ready\n\nrollout:\n")
	p, err := LoadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Runtime != (config.Runtime{Replicas: 3, ReadinessPath: "/ready"}) {
		t.Fatalf("Runtime = %+v", p.Runtime)
	}
	for _, tc := range []struct {
		name      string
		opts      StartOptions
		replicas  int
		readiness string
	}{
		{"from_yaml", StartOptions{}, 3, "/ready"},
		{"flags_win", StartOptions{Replicas: 1, ReadinessPath: "/up"}, 1, "/up"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			replicas, readiness := p.startDefaults(tc.opts)
			if replicas != tc.replicas || readiness != tc.readiness {
				t.Errorf("got %d %q, want %d %q", replicas, readiness, tc.replicas, tc.readiness)
			}
		})
	}
	replaceInFile(t, filepath.Join(dir, "pinwheel.yaml"), "replicas: 3", "replicas: many")
	if _, err := LoadProject(dir); err == nil || !strings.Contains(err.Error(), "pinwheel.yaml:") || !strings.Contains(err.Error(), "runtime.replicas") {
		t.Errorf("bad runtime section: err = %v", err)
	}
}

func FuzzDecodeRuntime(f *testing.F) {
	for _, s := range []string{"runtime:\n  replicas: 3\n", "runtime:\n  readinessPath: /x\n", "runtime: 1\n", "runtime:\n  replicas: -1\n", "runtime: &a {replicas: 2}\n",
		"runtime:\n  metrics:\n    provider: prometheus\n    url: http://127.0.0.1:9090\n    labels: {service: job}\n",
		"runtime:\n  metrics: {provider: httpjson, timeout: 2s}\n", "runtime:\n  metrics: {url: x}\n", "runtime:\n  metrics: &m {provider: local}\n  replicas: 2\n",
		"runtime:\n  memory: 1.5Gi\n  cpus: 0.5\n  pids: 0\n", "runtime: {memory: 0, cpus: 2, pids: 64}\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		got, err := decodeRuntimeYAML(t, src)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("%q: error %v is not an input error", src, err)
			}
			return
		}
		if got.Replicas < 0 || got.Replicas > 100 || got.ReadinessPath != "" && !strings.HasPrefix(got.ReadinessPath, "/") {
			t.Fatalf("%q: accepted %+v", src, got)
		}
		if m := got.Metrics; m.Provider == config.MetricsPrometheus && m.URL == "" || m.Provider != config.MetricsPrometheus && (m.URL != "" || m.Labels != (config.MetricsLabels{})) {
			t.Fatalf("%q: accepted metrics %+v", src, m)
		}
		if l := got.Limits; l.MemoryBytes != nil && *l.MemoryBytes < 0 || l.CPUs != nil && (*l.CPUs < 0 || *l.CPUs > config.MaxCPUs) || l.Pids != nil && *l.Pids < 0 {
			t.Fatalf("%q: accepted limits %+v", src, l)
		}
		if _, err := NewMetricsProvider(got.Metrics); err != nil {
			t.Fatalf("%q: accepted metrics %+v that build no provider: %v", src, got.Metrics, err)
		}
	})
}
