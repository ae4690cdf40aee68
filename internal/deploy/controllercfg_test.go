package deploy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

func TestLoadControllerConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "controller.yaml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cc, err := LoadControllerConfig(write(`runtime:
  metrics:
    provider: prometheus
    url: http://prometheus.monitoring:9090
notify:
  webhooks:
    - url: https://hooks.example.com/pinwheel
      secretEnv: HOOK_SECRET
`))
	if err != nil {
		t.Fatal(err)
	}
	if cc.Runtime.Metrics.Provider != config.MetricsPrometheus || cc.Runtime.Metrics.URL != "http://prometheus.monitoring:9090" {
		t.Errorf("metrics %+v", cc.Runtime.Metrics)
	}
	if len(cc.Notify.Webhooks) != 1 || cc.Notify.Webhooks[0].URL != "https://hooks.example.com/pinwheel" {
		t.Errorf("notify %+v", cc.Notify)
	}
	for body, want := range map[string]string{
		"service: shop\n": "controller.yaml:1:1",
		"runtime:\n  metrics:\n    provider: graphite\n": "controller.yaml:3:15: runtime.metrics.provider: expected local, prometheus or httpjson",
		"notify: [1\n": "expected YAML",
	} {
		_, err := LoadControllerConfig(write(body))
		var ie *inputerr.Error
		if err == nil || !strings.Contains(err.Error(), want) || !errors.As(err, &ie) {
			t.Errorf("%q: got %v, want an input error containing %q", body, err, want)
		}
	}
}
