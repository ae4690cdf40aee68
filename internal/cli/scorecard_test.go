package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/scorecard"
)

// scorecardLedger records, in dir's ledger, three builds, releases and
// rollouts of shop in the last day (the second rolled back) and one
// promoted rollout 40 days ago.
func scorecardLedger(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	store, err := ledgerdb.Open(ctx, filepath.Join(dir, ".pinwheel", "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := time.Now().UTC()
	deploy := func(seq int, start time.Time, outcome string) {
		digest := "sha256:" + strings.Repeat(string(rune('0'+seq)), 64)
		info := attest.BuildInfo{Service: "shop", ImageDigest: digest, GitCommitTime: start.Add(-time.Hour),
			StartedAt: start.Add(-time.Minute), FinishedAt: start, DurationMS: 60_000,
			Cache: &attest.CacheStats{Layers: attest.CacheCount{Hits: 1, Misses: 1}}}
		if _, err := store.RecordBuild(ctx, ledger.Build{Service: "shop", CreatedAt: start, Info: info, Succeeded: true}); err != nil {
			t.Fatal(err)
		}
		rel, err := store.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "shop", Info: info}})
		if err != nil {
			t.Fatal(err)
		}
		ro, err := store.StartRollout(ctx, ledger.Rollout{Service: "shop", ReleaseID: rel.ID, Target: "local", Phase: "Progressing", StartedAt: start})
		if err != nil {
			t.Fatal(err)
		}
		ro.Phase, ro.Outcome, ro.FinishedAt = "Done", outcome, start.Add(2*time.Minute)
		if _, err := store.SaveRollout(ctx, ro); err != nil {
			t.Fatal(err)
		}
	}
	deploy(1, now.Add(-40*24*time.Hour), "promoted")
	deploy(2, now.Add(-3*time.Hour), "promoted")
	deploy(3, now.Add(-2*time.Hour), "rolled-back")
	deploy(4, now.Add(-1*time.Hour), "promoted")
}

func TestScorecardCommand(t *testing.T) {
	var (
		mu     sync.Mutex
		events []notify.Event
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify([]byte("s3cret"), r.Header.Get(notify.HeaderTimestamp), r.Header.Get(notify.HeaderSignature), body, time.Now(), notify.DefaultTolerance); err != nil {
			t.Errorf("unsigned alert: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev notify.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Errorf("alert body: %v", err)
		}
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	}))
	defer hook.Close()
	t.Setenv("TEST_HOOK_SECRET", "s3cret")
	dir := notifyProject(t, "alerts:\n  changeFailRate: 0.25\n  pipelineMedian: 1h\nnotify:\n  webhooks:\n    - url: "+hook.URL+"/alerts\n      secretEnv: TEST_HOOK_SECRET\n      events: [scorecard.alert]\n    - url: "+hook.URL+"/rollouts\n      secretEnv: TEST_HOOK_SECRET\n      events: [rollout.promoted]\n")
	scorecardLedger(t, dir)
	badAlerts := notifyProject(t, "alerts:\n  changeFailRate: \"+5%\"\n")
	scorecardLedger(t, badAlerts)

	t.Run("text", func(t *testing.T) {
		code, out, errOut := runPinwheel(t, "scorecard", "--dir", dir)
		flat := strings.Join(strings.Fields(out), " ")
		for _, want := range []string{"deployments 3 1 +2", "change fail rate 33% (1/3) 0% (0/1) +33 pts", "rollbacks 1 0 +1",
			"pipeline time (median / p90) 3m00s / p90 3m00s (n=3) 3m00s / p90 3m00s (n=1) +0%", "cache hits: layers 50% (3/6) 50% (1/2) +0 pts"} {
			if !strings.Contains(flat, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if code != ExitOK {
			t.Errorf("exit %d: %s", code, errOut)
		}
	})
	t.Run("json", func(t *testing.T) {
		code, out, errOut := runPinwheel(t, "scorecard", "shop", "--dir", dir, "--since", "2d", "-o", "json")
		var rep scorecard.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil || code != ExitOK {
			t.Fatalf("exit %d, %v\n%s%s", code, err, out, errOut)
		}
		c := rep.Overall.Current
		if c.Deployments != 3 || c.ChangeFailRate == nil || c.ChangeFailRate.N != 1 || c.ChangeFailRate.Of != 3 || rep.Overall.Previous.Deployments != 0 {
			t.Errorf("report %+v", rep.Overall)
		}
		if d := rep.Period.Until.Sub(rep.Period.Since); d != 48*time.Hour {
			t.Errorf("period %v long, want 48h", d)
		}
	})
	t.Run("alert", func(t *testing.T) {
		code, out, errOut := runPinwheel(t, "scorecard", "--dir", dir, "--alert")
		if code != ExitNo || !strings.Contains(out, "ALERT shop: changeFailRate 33%, above the bound 25%") || !strings.Contains(errOut, "1 alert sent to 2 webhooks") {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(events) != 1 {
			t.Fatalf("receiver got %d events, want 1 (the rollout-only webhook none): %+v", len(events), events)
		}
		ev := events[0]
		a := ev.Alert
		if ev.Type != notify.ScorecardAlert || ev.Service != "shop" || a == nil || a.Metric != "changeFailRate" || a.Limit != 0.25 ||
			a.Value < 0.33 || a.Value > 0.34 || a.Until.Sub(a.Since) != 30*24*time.Hour || !strings.Contains(a.Rule, "pinwheel.yaml:6:19") {
			t.Errorf("event %+v alert %+v", ev, a)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bad_since", []string{"scorecard", "--dir", dir, "--since", "a month"}, `--since "a month": expected a positive length`},
		{"bad_until", []string{"scorecard", "--dir", dir, "--until", "yesterday"}, `--until "yesterday": expected a time`},
		{"bad_alerts", []string{"scorecard", "--dir", badAlerts, "--alert"}, "pinwheel.yaml:6:19: alerts.changeFailRate: expected a fraction"},
		{"no_alerts", []string{"scorecard", "--dir", notifyProject(t, ""), "--alert"}, "has no alerts: section"},
		{"no_ledger", []string{"scorecard", "--dir", t.TempDir()}, "ledger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runPinwheel(t, tc.args...)
			if code != ExitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q (want 2 and %q)\n%s", code, errOut, tc.want, out)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, ".pinwheel", "ledger.db")); err != nil {
		t.Fatal(err)
	}
}
