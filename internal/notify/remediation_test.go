package notify

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/rollout"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sampleRemediation(t testing.TB) Remediation {
	parse := func(name string) *lock.Lock {
		l, err := lock.ParseFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	failed := changes.Facts{ID: "hello-2", Service: "hello", CreatedAt: t0.Add(-10 * time.Minute), Info: buildV("2"),
		ImageRef: "registry.local/hello@" + buildV("2").ImageDigest, Lock: parse("v2-requirements.txt"), State: "rolled-back"}
	restored := changes.Facts{ID: "hello-1", Service: "hello", CreatedAt: t0.Add(-2 * time.Hour), Info: buildV("1"),
		ImageRef: "registry.local/hello@" + buildV("1").ImageDigest, Lock: parse("v1-requirements.txt"), State: "live", KnownGood: true}
	failed.Info.PythonVersion = "3.11.10"
	return Remediation{
		Service: "hello", RolloutID: 7, At: t0,
		Reason:   "analysis failed at step 2 (25%): error-rate Fail",
		Failed:   failed,
		Restored: restored,
		Verdicts: []analysis.Verdict{
			{Check: "error-rate", Kind: analysis.Threshold, Outcome: analysis.Fail, Reason: "error rate 0.062 > max 0.05 over 120 samples",
				Evidence: analysis.Evidence{Query: `rate(errors{release="hello-2"}[1m])`, Value: f64(0.062), Threshold: "max 0.05", Samples: 120}},
			{Check: "p99-latency", Kind: analysis.Compare, Outcome: analysis.Fail, Reason: "canary p99 0.41 s vs stable 0.12 s (+242%, p=0.0001)",
				Evidence: analysis.Evidence{Value: f64(0.41), StableValue: f64(0.12), Threshold: "+10% at alpha 0.05", Samples: 30, StableSamples: 30, PValue: f64(0.0001)}},
			{Check: "saturation", Kind: analysis.Threshold, Outcome: analysis.Pass, Reason: "ok"},
		},
		Samples: []FailedRequest{
			{Time: t0.Add(-40 * time.Second), Replica: "hello-2/0", Method: "GET", Path: "/orders?id=42", Status: 500, Latency: 312 * time.Millisecond, Body: `{"error": "KeyError: 'currency'"}`},
			{Time: t0.Add(-35 * time.Second), Replica: "hello-2/1", Method: "POST", Path: "/checkout", Status: 502, Latency: 1200 * time.Millisecond, Body: "upstream | reset\nby peer"},
			{Time: t0.Add(-30 * time.Second), Replica: "hello-2/0", Method: "GET", Path: "/health", Status: 0, Latency: 5 * time.Second},
			{Time: t0.Add(-25 * time.Second), Replica: "hello-2/1", Method: "GET", Path: "/", Status: 503, Latency: 412 * time.Microsecond, Body: "overloaded\n"},
		},
		LogTail: []string{
			`127.0.0.1 - - "GET /orders?id=41 HTTP/1.1" 200 -`,
			`Traceback (most recent call last):`,
			`  File "/app/orders.py", line 18, in get_order`,
			"    return price[``currency``]",
			`KeyError: 'currency'`,
		},
		Decisions: []rollout.Decision{
			{Time: t0.Add(-5 * time.Minute), Step: 0, Phase: "Progressing", Action: "SetWeight(10)", Reason: "step 0: weight 10%"},
			{Time: t0.Add(-3 * time.Minute), Step: 1, Phase: "Analyzing", Action: "RunAnalysis", Reason: "step 1: analysis round 1"},
			{Time: t0, Step: 2, Phase: "RollingBack", Action: "Rollback(stable=hello-1 canary=hello-2)", Reason: "analysis failed: error-rate Fail | p99-latency Fail"},
		},
	}
}

func TestRemediationMarkdownGolden(t *testing.T) {
	got := sampleRemediation(t).Markdown(GitHubMaxBody)
	golden := filepath.Join("testdata", "remediation.md")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("remediation markdown differs from %s (run with -update and review the diff):\n%s", golden, got)
	}
	for _, must := range []string{"hello-1", "hello-2", "sha256:7d1c0e5f3a2", "max 0.05", "0.062", "/orders?id=42", "KeyError",
		"hello-2/1", "Rollback(stable=hello-1", "flask", "3.1.0", "urllib3"} {
		if !strings.Contains(got, must) {
			t.Errorf("report lacks %q", must)
		}
	}
	if strings.Contains(got, "saturation") {
		t.Error("a passing verdict is listed as failing")
	}
}

func TestRemediationFitsLimit(t *testing.T) {
	big := func(logLines, samples int) Remediation {
		r := sampleRemediation(t)
		r.LogTail = nil
		for i := range logLines {
			r.LogTail = append(r.LogTail, fmt.Sprintf("line %06d %s", i, strings.Repeat("x", 120)))
		}
		r.Samples = nil
		for i := range samples {
			r.Samples = append(r.Samples, FailedRequest{Time: t0.Add(time.Duration(i) * time.Millisecond), Replica: "hello-2/0",
				Method: "GET", Path: fmt.Sprintf("/item/%d", i), Status: 500, Latency: time.Millisecond, Body: strings.Repeat("b", 150)})
		}
		return r
	}
	tests := []struct {
		name       string
		r          Remediation
		limit      int
		wantNote   string
		wantKept   string // newest content still there
		wantAbsent string // oldest content dropped
	}{
		{name: "fits_untouched", r: big(10, 5), limit: GitHubMaxBody, wantKept: "line 000000"},
		{name: "log_tail_cut_first", r: big(2000, 50), limit: GitHubMaxBody,
			wantNote: "the log tail shows the last", wantKept: "line 001999", wantAbsent: "line 000000"},
		{name: "then_samples", r: big(2000, 2000), limit: GitHubMaxBody,
			wantNote: "failing-request samples are shown", wantKept: "/item/1999", wantAbsent: "line 001999"},
		{name: "hard_cut", r: big(10, 10), limit: 3000, wantNote: "the report was cut here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.Markdown(tt.limit)
			if len(got) > tt.limit {
				t.Fatalf("%d bytes, limit %d", len(got), tt.limit)
			}
			if tt.wantNote != "" && !strings.Contains(got, tt.wantNote) {
				t.Errorf("no note %q", tt.wantNote)
			}
			if tt.wantNote == "" && strings.Contains(got, "**Note:**") {
				t.Error("note on a report that fit")
			}
			if tt.wantKept != "" && !strings.Contains(got, tt.wantKept) {
				t.Errorf("lost %q", tt.wantKept)
			}
			if tt.wantAbsent != "" && strings.Contains(got, tt.wantAbsent) {
				t.Errorf("kept %q", tt.wantAbsent)
			}
			if tt.name != "hard_cut" && len(got) < tt.limit-2000 && tt.wantNote != "" {
				t.Errorf("cut too much: %d bytes of %d", len(got), tt.limit)
			}
		})
	}
}

func TestFileRemediationToGitHubStaysUnderLimit(t *testing.T) {
	api, srv := newGitHubAPI(t, "")
	gh, _ := NewGitHub("acme/hello", "t0ken", WithBaseURL(srv.URL))
	r := sampleRemediation(t)
	for i := range 5000 {
		r.LogTail = append(r.LogTail, fmt.Sprintf("GET /x %d %s", i, strings.Repeat("é", 60)))
	}
	if _, err := FileRemediation(context.Background(), gh, r); err != nil {
		t.Fatal(err)
	}
	body := api.posts[0]["body"].(string)
	if n := len([]rune(body)); n > GitHubMaxBody {
		t.Fatalf("body %d characters", n)
	}
	if !strings.Contains(body, "shortened to fit") || api.posts[0]["title"] != r.Title() {
		t.Errorf("title %v, note missing: %v", api.posts[0]["title"], !strings.Contains(body, "shortened to fit"))
	}
}

func TestFileTrackerWritesAtomically(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".pinwheel", "incidents")
	r := sampleRemediation(t)
	filed, err := FileRemediation(context.Background(), FileTracker{Dir: dir}, r)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "20261124T201500Z-hello-2.md")
	if filed.Location != want {
		t.Fatalf("location %q, want %q", filed.Location, want)
	}
	data, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# "+r.Title()+"\n") || !strings.Contains(string(data), "### Canary log tail") {
		t.Errorf("file content:\n%s", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in %s (temporary file left behind?)", len(entries), dir)
	}
	// A hostile key cannot escape the directory.
	filed, err = FileTracker{Dir: dir}.File(context.Background(), Issue{Title: "x", Key: "../../etc/passwd", At: t0})
	if err != nil || filepath.Dir(filed.Location) != dir {
		t.Fatalf("filed %q, %v", filed.Location, err)
	}
}

// A report that falls back to a file is not shortened to GitHub's limit.
func TestFallbackFileKeepsFullReport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	gh, _ := NewGitHub("acme/hello", "t0ken", WithBaseURL(srv.URL))
	r := sampleRemediation(t)
	for i := range 3000 {
		r.LogTail = append(r.LogTail, fmt.Sprintf("line %06d %s", i, strings.Repeat("x", 100)))
	}
	filed, err := FileRemediation(context.Background(), Fallback(gh, FileTracker{Dir: t.TempDir()}), r)
	if err != nil || filed.Fallback == nil {
		t.Fatalf("filed %+v, %v", filed, err)
	}
	data, _ := os.ReadFile(filed.Location)
	if len(data) <= GitHubMaxBody || !strings.Contains(string(data), "line 000000") || strings.Contains(string(data), "shortened") {
		t.Fatalf("report file was shortened: %d bytes", len(data))
	}
}
