package scorecard

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
)

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func build(svc, digest string, finished time.Time, took time.Duration, commit time.Time, c attest.CacheStats) ledger.Build {
	return ledger.Build{Service: svc, CreatedAt: finished, Succeeded: true, Info: attest.BuildInfo{Service: svc,
		ImageDigest: digest, GitCommitTime: commit, StartedAt: finished.Add(-took), FinishedAt: finished,
		DurationMS: took.Milliseconds(), Cache: &c}}
}

func release(svc string, seq int, digest string) ledger.Release {
	return ledger.Release{Seq: seq, Facts: changes.Facts{ID: svc + "-" + string(rune('0'+seq)), Service: svc,
		Info: attest.BuildInfo{Service: svc, ImageDigest: digest}}}
}

func rollout(svc, rel, from string, start time.Time, took time.Duration, outcome string) ledger.Rollout {
	return ledger.Rollout{Service: svc, ReleaseID: rel, FromRelease: from, StartedAt: start, FinishedAt: start.Add(took), Outcome: outcome}
}

func cache(wh, wm, dh, dm, lh, lm int) attest.CacheStats {
	return attest.CacheStats{Wheels: attest.CacheCount{Hits: wh, Misses: wm}, Debs: attest.CacheCount{Hits: dh, Misses: dm},
		Layers: attest.CacheCount{Hits: lh, Misses: lm}}
}

// The demo's story, in a period of 10 days: shop-1 promoted, shop-2
// rolled back, shop-3 promoted; one deployment in the previous period;
// and api, whose api-2 was promoted and then rolled back by hand to api-1.
func records() Records {
	return Records{
		Builds: []ledger.Build{
			build("shop", "sha256:0", at(-100), 40*time.Second, at(-101), cache(0, 5, 0, 9, 0, 3)),
			build("shop", "sha256:1", at(10), 60*time.Second, at(9), cache(0, 5, 0, 9, 0, 3)),
			build("shop", "sha256:2", at(20), 10*time.Second, at(18), cache(0, 0, 0, 0, 3, 0)),
			build("shop", "sha256:3", at(30), 20*time.Second, at(29.5), cache(0, 0, 0, 0, 3, 0)),
			{Service: "shop", CreatedAt: at(31), Succeeded: false},
			build("api", "sha256:a1", at(40), 30*time.Second, at(39), cache(5, 0, 0, 0, 1, 0)),
			build("api", "sha256:a2", at(50), 30*time.Second, at(49), cache(5, 0, 0, 0, 1, 0)),
		},
		Releases: []ledger.Release{
			release("shop", 0, "sha256:0"), release("shop", 1, "sha256:1"), release("shop", 2, "sha256:2"), release("shop", 3, "sha256:3"),
			release("api", 1, "sha256:a1"), release("api", 2, "sha256:a2"),
		},
		Rollouts: []ledger.Rollout{
			rollout("shop", "shop-0", "", at(-99), time.Minute, "promoted"),
			rollout("shop", "shop-1", "shop-0", at(11), 2*time.Minute, "promoted"),
			rollout("shop", "shop-2", "shop-1", at(21), 4*time.Minute, "rolled-back"),
			rollout("shop", "shop-3", "shop-1", at(31), 3*time.Minute, "promoted"),
			rollout("api", "api-1", "", at(41), time.Minute, "promoted"),
			rollout("api", "api-2", "api-1", at(51), time.Minute, "promoted"),
			rollout("api", "api-1", "api-2", at(53), 30*time.Second, "promoted"),
			{Service: "shop", ReleaseID: "shop-4", StartedAt: at(60)}, // still running: not counted
		},
	}
}

func TestCompute(t *testing.T) {
	p := Period{Since: t0, Until: t0.Add(10 * 24 * time.Hour)}
	r := Compute(records(), p)
	if len(r.Services) != 2 || r.Services[0].Name != "api" || r.Services[1].Name != "shop" {
		t.Fatalf("services %+v", r.Services)
	}
	shop, api := r.Services[1].Comparison, r.Services[0].Comparison
	s := shop.Current
	if s.Deployments != 3 || s.Promoted != 2 || s.Failed != 1 || s.Rollbacks != 1 {
		t.Errorf("shop counts %+v", s)
	}
	if s.ChangeFailRate == nil || s.ChangeFailRate.N != 1 || s.ChangeFailRate.Of != 3 {
		t.Errorf("shop change fail rate %+v, want 1/3", s.ChangeFailRate)
	}
	if s.DeploymentsPerWeek != 2.1 || s.FailedPerMonth != 3 {
		t.Errorf("shop frequency %v/week, failed %v/month", s.DeploymentsPerWeek, s.FailedPerMonth)
	}
	// lead time: shop-1 committed at 9h, promoted at 11h02m; shop-3 at
	// 29.5h and 31h03m: 1h33m and 2h02m, median the lower (nearest rank).
	if s.LeadTime == nil || s.LeadTime.N != 2 || s.LeadTime.Median != (93*time.Minute).Seconds() || s.LeadTime.P90 != (122*time.Minute).Seconds() {
		t.Errorf("shop lead time %+v", s.LeadTime)
	}
	if s.RecoveryTime == nil || s.RecoveryTime.N != 1 || s.RecoveryTime.Median != 240 {
		t.Errorf("shop recovery %+v, want the rolled-back rollout's 4m", s.RecoveryTime)
	}
	// pipelines: 60+120, 10+240, 20+180 seconds.
	if s.PipelineTime == nil || s.PipelineTime.N != 3 || s.PipelineTime.Median != 200 || s.PipelineTime.P90 != 250 {
		t.Errorf("shop pipeline %+v", s.PipelineTime)
	}
	if s.Builds != 4 || s.FailedBuilds != 1 || s.BuildTime.N != 3 || s.BuildTime.Median != 20 {
		t.Errorf("shop builds %d (%d failed), build time %+v", s.Builds, s.FailedBuilds, s.BuildTime)
	}
	if c := s.Cache; c.Wheels == nil || *c.Wheels != (Ratio{0, 5, 0}) || *c.Debs != (Ratio{0, 9, 0}) || c.Layers.N != 6 || c.Layers.Of != 9 {
		t.Errorf("shop cache %+v %+v %+v", c.Wheels, c.Debs, c.Layers)
	}
	if pr := shop.Previous; pr.Deployments != 1 || pr.Promoted != 1 || pr.PipelineTime == nil || pr.PipelineTime.Median != 100 {
		t.Errorf("shop previous %+v", pr)
	}
	// api: api-2 promoted then rolled back by hand at 53h00m30s, 1h59m30s
	// after it was promoted (51h01m).
	a := api.Current
	if a.Deployments != 3 || a.Failed != 1 || a.Rollbacks != 1 || a.RecoveryTime == nil || a.RecoveryTime.Median != (119*time.Minute+30*time.Second).Seconds() {
		t.Errorf("api %+v recovery %+v", a, a.RecoveryTime)
	}
	if o := r.Overall.Current; o.Deployments != 6 || o.Failed != 2 || o.ChangeFailRate.Value != 2.0/6 {
		t.Errorf("overall %+v", o)
	}
}

func TestWriteTextShowsTheDeltas(t *testing.T) {
	p := Period{Since: t0, Until: t0.Add(10 * 24 * time.Hour)}
	var buf bytes.Buffer
	if err := WriteText(&buf, Compute(records(), p)); err != nil {
		t.Fatal(err)
	}
	out := strings.Join(strings.Fields(buf.String()), " ") // columns' padding aside
	for _, want := range []string{
		"scorecard 2026-11-01 00:00:00 → 2026-11-11 00:00:00 (10d), against 2026-10-22 00:00:00 → 2026-11-01 00:00:00",
		"change fail rate 33% (1/3) 0% (0/1) +33 pts", "deployments 3 1 +2",
		"pipeline time (median / p90) 3m20s / p90 4m10s (n=3) 1m40s / p90 1m40s (n=1) +100%",
		"cache hits: layers 67% (6/9) 0% (0/3) +67 pts", "all services", "not measured: runtime consumption",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
