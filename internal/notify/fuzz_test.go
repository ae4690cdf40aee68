package notify

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
)

func FuzzDecode(f *testing.F) {
	f.Add(fullConfig)
	f.Add("notify:\n  webhooks:\n    - &w {url: 'https://a', secretEnv: S}\n    - *w\n")
	f.Add("notify:\n  github: {repo: a/b, labels: [x, y]}\n")
	f.Add("notify: ~\n")
	f.Add("notify:\n  attempts: 3\n  queueSize: 1\n")
	f.Fuzz(func(t *testing.T, doc string) {
		c, err := config.Parse("pinwheel.yaml", []byte(doc))
		if err != nil {
			return
		}
		sec, err := c.NotifySection()
		if err != nil {
			if !errors.As(err, new(*inputerr.Error)) {
				t.Fatalf("error is not an input error: %v", err)
			}
			return
		}
		cfg := sec
		if err := CheckEvents(sec, "pinwheel.yaml"); err != nil {
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

func FuzzRetryAfter(f *testing.F) {
	f.Add("120")
	f.Add("Wed, 21 Oct 2026 07:28:00 GMT")
	f.Add("-5")
	f.Fuzz(func(t *testing.T, v string) {
		if d := parseRetryAfter(v, t0); d < 0 {
			t.Fatalf("negative delay %v for %q", d, v)
		}
	})
}

// Whatever the log and the samples hold, the report stays within the limit
// and is valid UTF-8.
func FuzzRemediationFits(f *testing.F) {
	f.Add("Traceback\nKeyError: 'x'", "{\"error\": \"é|`\"}", uint16(3000), uint8(40))
	f.Add(strings.Repeat("```", 50), strings.Repeat("é", 400), uint16(600), uint8(200))
	base := sampleRemediation(f)
	f.Fuzz(func(t *testing.T, logLine, body string, limit uint16, n uint8) {
		r := base
		r.LogTail = nil
		r.Samples = nil
		for i := range int(n) {
			r.LogTail = append(r.LogTail, logLine+strconv.Itoa(i))
			r.Samples = append(r.Samples, FailedRequest{Time: t0, Method: "GET", Path: logLine, Status: 500, Body: body})
		}
		max := int(limit) + 200
		got := r.Markdown(max)
		if len(got) > max {
			t.Fatalf("%d bytes, limit %d", len(got), max)
		}
		if !utf8.ValidString(got) && utf8.ValidString(logLine) && utf8.ValidString(body) {
			t.Fatal("report is not valid UTF-8")
		}
	})
}
