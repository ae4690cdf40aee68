// Command rollback measures the time from a canary's regression to the
// rollback decision: the shop example runs on the in-process local runtime
// under load; each run rolls a new release out and, at a random moment of
// its first analysis step (warm-up plus one interval), makes the canary answer half of its API requests
// with 500 (SHOP_FAULT_FILE); the figure is the rollback decision's time
// minus the injection time. Goal: within one analysis interval + 1 s.
//
//	go run ./bench/rollback [-runs 5]     (from the repository root)
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"pinwheel.dev/pinwheel/internal/demo"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

func main() {
	runs := flag.Int("runs", 5, "releases to regress")
	example := flag.String("example", "examples/shop", "the shop example")
	flag.Parse()
	if err := run(context.Background(), *runs, *example); err != nil {
		fmt.Fprintln(os.Stderr, "bench/rollback:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, runs int, example string) error {
	dir, err := os.MkdirTemp("", "pinwheel-bench-rollback-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "shop")
	if err := demo.CopyProject(example, src); err != nil {
		return err
	}
	store, err := ledgerdb.Open(ctx, filepath.Join(dir, "ledger.db"))
	if err != nil {
		return err
	}
	defer store.Close()
	rt, err := local.New(ctx, filepath.Join(dir, "runtime"), local.WithGracePeriod(time.Second), local.WithProbeInterval(50*time.Millisecond))
	if err != nil {
		return err
	}
	rt.Start()
	defer rt.Close()
	load := demo.StartLoad(ctx, func() string {
		o, err := rt.Observe(ctx, "shop")
		for _, r := range o.Releases {
			if err == nil && r.Ready > 0 {
				return o.Endpoint
			}
		}
		return ""
	}, 4, 10*time.Millisecond)
	defer load.Stop()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))

	var delays []time.Duration
	var interval time.Duration
	for i := 0; i <= runs; i++ {
		faultFile := filepath.Join(dir, fmt.Sprintf("fault-%d", i))
		runner, rel, err := release(ctx, store, rt, src, faultFile)
		if err != nil {
			return err
		}
		interval = time.Duration(runner.Project.Spec.Analysis.Interval)
		ro, _, err := runner.Start(ctx, rel, deploy.StartOptions{Replicas: 2})
		if err != nil {
			return err
		}
		done := make(chan ledger.Rollout, 1)
		go func() { final, _ := runner.Drive(ctx, "shop"); done <- final }()
		if i == 0 { // the baseline release: promoted, no fault
			if final := <-done; final.Outcome != "promoted" {
				return fmt.Errorf("baseline release %s: %s", rel.ID, final.Outcome)
			}
			continue
		}
		analyzing, err := waitAnalyzing(ctx, store, ro.ID)
		if err != nil {
			return err
		}
		// Anywhere in the step's first two rounds (warm-up + one interval),
		// so some faults arrive just after a round was measured.
		window := time.Duration(runner.Project.Spec.Analysis.Warmup) + interval
		offset := time.Duration(rng.Int64N(int64(window)))
		time.Sleep(time.Until(analyzing.Add(offset)))
		injected := time.Now()
		if err := os.WriteFile(faultFile, []byte("errors\n"), 0o644); err != nil {
			return err
		}
		final := <-done
		ds, _ := store.Decisions(ctx, final.ID)
		i := slices.IndexFunc(ds, func(d ledger.Decision) bool { return d.Action == "rollback" })
		if final.Outcome != "rolled-back" || i < 0 {
			return fmt.Errorf("release %s: outcome %s", rel.ID, final.Outcome)
		}
		delay := ds[i].At.Sub(injected)
		delays = append(delays, delay)
		fmt.Printf("run %d: fault injected %s into the analysis step; rollback decided %s later: %s\n",
			len(delays), offset.Round(time.Millisecond), delay.Round(time.Millisecond), ds[i].Reason)
	}
	slices.Sort(delays)
	fmt.Printf("fault → rollback started: median %s, max %s over %d runs (analysis interval %s; goal ≤ %s)\n",
		delays[len(delays)/2].Round(time.Millisecond), delays[len(delays)-1].Round(time.Millisecond), len(delays), interval, interval+time.Second)
	return nil
}

// release records a source release of the shop whose fault is read from
// faultFile (empty: none), with half of its API requests failing once set.
func release(ctx context.Context, store ledger.Store, rt *local.Runtime, src, faultFile string) (*deploy.Runner, ledger.Release, error) {
	path := filepath.Join(src, "pinwheel.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, ledger.Release{}, err
	}
	knob := regexp.MustCompile(`(?m)^([ \t]+)SHOP_FAULT: .*$(\n[ \t]+SHOP_FAULT_(FILE|RATE): .*$)*`)
	if !knob.Match(b) {
		return nil, ledger.Release{}, fmt.Errorf("%s: no env.SHOP_FAULT", path)
	}
	file, _ := json.Marshal(faultFile)
	b = knob.ReplaceAll(b, []byte(`${1}SHOP_FAULT: ""`+"\n${1}SHOP_FAULT_FILE: "+string(file)+"\n${1}SHOP_FAULT_RATE: \"0.5\""))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return nil, ledger.Release{}, err
	}
	p, err := deploy.LoadProject(src)
	if err != nil {
		return nil, ledger.Release{}, err
	}
	rel, err := deploy.RecordRelease(ctx, store, p, deploy.Artifact{Source: true}, nil)
	if err != nil {
		return nil, rel, err
	}
	return &deploy.Runner{Store: store, Target: deploy.Target{Target: rt, Metrics: rt, Name: "local"}, Project: p}, rel, nil
}

// waitAnalyzing returns when the rollout's first analysis step started.
func waitAnalyzing(ctx context.Context, store ledger.Store, id int64) (time.Time, error) {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ro, err := store.GetRollout(ctx, id)
		if err != nil {
			return time.Time{}, err
		}
		var st struct {
			Status rollout.Status `json:"status"`
		}
		if json.Unmarshal(ro.Status, &st) == nil && st.Status.Phase == rollout.Analyzing {
			return st.Status.StepStartedAt, nil
		}
	}
	return time.Time{}, fmt.Errorf("rollout %d never reached analysis", id)
}
