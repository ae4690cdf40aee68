package notify

import (
	"errors"
	"testing"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func FuzzDecode(f *testing.F) {
	f.Add(fullConfig)
	f.Add("notify:\n  webhooks:\n    - &w {url: 'https://a', secretEnv: S}\n    - *w\n")
	f.Add("notify:\n  github: {repo: a/b, labels: [x, y]}\n")
	f.Add("notify: ~\n")
	f.Add("notify:\n  attempts: 3\n  queueSize: 1\n")
	f.Fuzz(func(t *testing.T, doc string) {
		var top struct {
			Notify yaml.Node `yaml:"notify"`
		}
		if yaml.Unmarshal([]byte(doc), &top) != nil {
			return
		}
		cfg, err := Decode(&top.Notify, "pinwheel.yaml")
		if err != nil {
			if !errors.As(err, new(*inputerr.Error)) {
				t.Fatalf("error is not an input error: %v", err)
			}
			return
		}
		for _, w := range cfg.Webhooks {
			if w.URL == "" && w.URLEnv == "" {
				t.Fatalf("accepted a webhook without a URL: %+v", w)
			}
		}
	})
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte("k"), "1764015300", "sha256=00", []byte("{}"))
	f.Fuzz(func(t *testing.T, secret []byte, ts, sig string, body []byte) {
		_ = Verify(secret, ts, sig, body, t0, DefaultTolerance) // must not panic
	})
}
