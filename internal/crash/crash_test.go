package crash

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The child half of the tests below: it panics where PW_CRASH_CHILD says.
func TestMain(m *testing.M) {
	switch os.Getenv("PW_CRASH_CHILD") {
	case "goroutine":
		Go(func() { panic("boom in a goroutine") })
		time.Sleep(time.Minute) // the goroutine's panic must end the process
		os.Exit(0)
	case "handler":
		srv := httptest.NewServer(Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			var m map[string]int
			m["x"]++ // a real bug: assignment to a nil map
		})))
		http.Get(srv.URL)
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A panic on a goroutine started with Go, or in an HTTP handler wrapped
// with Handler, ends a real process with exit 3 and the internal-error
// report — not Go's "panic:" crash with exit 2, not a recovered handler.
func TestPanicElsewhereExitsThree(t *testing.T) {
	for _, tc := range []struct{ child, value string }{
		{"goroutine", "boom in a goroutine"},
		{"handler", "assignment to entry in nil map"},
	} {
		t.Run(tc.child, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "PW_CRASH_CHILD="+tc.child)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := -1
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			if code != ExitBug {
				t.Fatalf("exit %d (%v), want %d; stderr:\n%s", code, err, ExitBug, stderr.String())
			}
			s := stderr.String()
			for _, want := range []string{"pinwheel: internal error: " + tc.value, "please report it", "goroutine "} {
				if !strings.Contains(s, want) {
					t.Errorf("stderr lacks %q:\n%s", want, s)
				}
			}
			if strings.HasPrefix(s, "panic: ") || strings.Contains(s, "http: panic serving") {
				t.Errorf("Go's own crash or net/http's recovery ran:\n%s", s)
			}
		})
	}
}
