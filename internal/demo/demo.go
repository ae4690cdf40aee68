package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/runtime/local"
	"pinwheel.dev/pinwheel/internal/scorecard"
)

// Options configure a demo run.
type Options struct {
	// Example is the shop example to copy (default examples/shop).
	Example string
	// Dir holds all state (default: a new temporary directory).
	Dir string
	// Keep leaves Dir in place at the end.
	Keep bool
	// Builder is the pinwheel version recorded in build-info.
	Builder string
	Out     io.Writer
	Logger  *slog.Logger
	// RootfsCache is where images are unpacked for containers (default
	// the user cache dir/pinwheel/rootfs, shared with pinwheel run and up).
	RootfsCache string
}

// Result is what happened, release by release.
type Result struct {
	Dir      string        `json:"dir"`
	Kept     bool          `json:"kept"`
	Rollouts []Outcome     `json:"rollouts"`
	Load     LoadStats     `json:"load"`
	Live     string        `json:"live"`
	Elapsed  time.Duration `json:"elapsedNs"`
	// Runs says how the replicas ran: OCI containers of each image, or
	// host processes and why.
	Runs string `json:"runs"`
	// OK is true when every release ended as expected: v2 rolled back and
	// v3 promoted.
	OK bool `json:"ok"`
	// Scorecard is `pinwheel scorecard` over the demo's ledger (the last
	// 30 days): its builds and rollouts.
	Scorecard *scorecard.Report `json:"scorecard,omitempty"`
}

// Outcome is one release's rollout.
type Outcome struct {
	Name     string        `json:"name"`
	Release  string        `json:"release"`
	Artifact string        `json:"artifact"`
	Want     string        `json:"want"`
	Got      string        `json:"got"`
	Took     time.Duration `json:"tookNs"`
	Load     LoadStats     `json:"load"`
	Report   string        `json:"report,omitempty"`
}

// Run runs the demo. The error is for the demo's own failures (could not
// build, runtime did not start); a release that ends other than expected
// is reported in Result.OK.
func Run(ctx context.Context, o Options) (res Result, err error) {
	start := time.Now()
	if o.Example == "" {
		o.Example = filepath.Join("examples", "shop")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if _, err := os.Stat(filepath.Join(o.Example, "pinwheel.yaml")); err != nil {
		return res, fmt.Errorf("the shop example is not at %s (run from the repository root or pass --example): %w", o.Example, err)
	}
	if o.Dir == "" {
		if o.Dir, err = os.MkdirTemp("", "pinwheel-demo-"); err != nil {
			return res, err
		}
	} else if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return res, err
	}
	res.Dir, res.Kept = o.Dir, o.Keep
	defer func() {
		if !o.Keep {
			os.RemoveAll(o.Dir)
		}
	}()
	w := o.Out
	src := filepath.Join(o.Dir, "shop")
	if err := CopyProject(o.Example, src); err != nil {
		return res, fmt.Errorf("copy the example: %w", err)
	}
	// The ledger sits where pinwheel's commands look for it, so with --keep
	// `cd DIR/shop && pinwheel history shop` shows the demo's records.
	store, err := ledgerdb.Open(ctx, filepath.Join(src, ".pinwheel", "ledger.db"))
	if err != nil {
		return res, err
	}
	defer store.Close()
	if o.RootfsCache == "" {
		if base, err := os.UserCacheDir(); err == nil {
			o.RootfsCache = filepath.Join(base, "pinwheel", "rootfs")
		} else {
			o.RootfsCache = filepath.Join(o.Dir, "rootfs")
		}
	}
	rt, err := local.New(ctx, filepath.Join(o.Dir, "runtime"), local.WithLogger(o.Logger), local.WithGracePeriod(2*time.Second),
		local.WithProbeInterval(50*time.Millisecond), local.WithBackoff(100*time.Millisecond, time.Second),
		local.WithRootfsCache(o.RootfsCache))
	if err != nil {
		return res, err
	}
	rt.Start()
	defer rt.Close()
	fmt.Fprintf(w, "pinwheel demo: state in %s\n", o.Dir)
	res.Runs = rt.ModeLine()
	fmt.Fprintf(w, "local runtime (in this process): replicas as %s, behind pinwheel's weighted proxy\n", res.Runs)

	endpoint := func() string {
		// Clients arrive once the service first answers: no traffic is
		// sent to a service none of whose replicas is ready yet.
		obs, err := rt.Observe(ctx, "shop")
		if err != nil {
			return ""
		}
		for _, r := range obs.Releases {
			if r.Ready > 0 {
				return obs.Endpoint
			}
		}
		return ""
	}
	load := StartLoad(ctx, endpoint, 4, 10*time.Millisecond)
	defer func() { res.Load = load.Stop() }()

	var rels []ledger.Release
	for i, v := range versions {
		out, rel, err := runVersion(ctx, o, store, rt, load, src, v)
		if err != nil {
			return res, fmt.Errorf("%s: %w", v.Name, err)
		}
		res.Rollouts = append(res.Rollouts, out)
		rels = append(rels, rel)
		if i == 1 {
			fmt.Fprintf(w, "\n── what changed from %s (live) to %s (rolled back) ──\n", rels[0].ID, rel.ID)
			d := changes.Compare(rels[0].Facts, rel.Facts, changes.Options{GitLog: deploy.GitLog(src)})
			if err := changes.Write(w, d, "text"); err != nil {
				return res, err
			}
			if out.Report != "" {
				fmt.Fprintf(w, "\n── remediation report (no issue tracker configured, so a markdown file): %s ──\n", out.Report)
				printExcerpt(w, out.Report, "### Failing SLIs", 14)
			}
		}
	}
	if live, err := store.GetRelease(ctx, "shop", "current"); err == nil {
		res.Live = live.ID
	}
	recs, err := scorecard.Load(ctx, store, "shop")
	if err != nil {
		return res, err
	}
	now := time.Now()
	card := scorecard.Compute(recs, scorecard.Period{Since: now.Add(-30 * 24 * time.Hour), Until: now})
	res.Scorecard = &card
	res.Load = load.Stop()
	res.Elapsed = time.Since(start)
	res.OK = true
	for _, r := range res.Rollouts {
		res.OK = res.OK && r.Got == r.Want
	}
	return res, nil
}

// runVersion changes the project to v, builds it, records the release and
// rolls it out.
func runVersion(ctx context.Context, o Options, store ledger.Store, rt *local.Runtime, load *Load, src string, v version) (Outcome, ledger.Release, error) {
	w := o.Out
	out := Outcome{Name: v.Name, Want: v.Want}
	fmt.Fprintf(w, "\n══ %s: shop %s (SHOP_FAULT=%q) — expect %s ══\n", v.Name, v.Version, v.Fault, v.Want)
	if err := v.apply(src); err != nil {
		return out, ledger.Release{}, err
	}
	if ok, err := commit(src, v.Commit); err != nil {
		return out, ledger.Release{}, err
	} else if ok {
		fmt.Fprintf(w, "git commit: %s\n", v.Commit)
	}
	proj, err := deploy.LoadProject(src)
	if err != nil {
		return out, ledger.Release{}, err
	}
	artifact, desc := buildImage(ctx, o, store, src, v)
	fmt.Fprintln(w, desc)
	rel, err := deploy.RecordRelease(ctx, store, proj, artifact, nil)
	if err != nil {
		return out, rel, err
	}
	out.Release, out.Artifact = rel.ID, rel.ImageRef
	if out.Artifact == "" {
		out.Artifact = "source"
	}
	_, tracker, err := deploy.Notifiers(proj, store, o.Logger)
	if err != nil {
		return out, rel, err
	}
	runner := &deploy.Runner{Store: store, Target: deploy.Target{Target: rt, Metrics: rt, Name: "local"}, Project: proj,
		Logger: o.Logger, Tracker: tracker,
		OnDecision: func(d ledger.Decision) { fmt.Fprintf(w, "  %s\n", deploy.FormatDecision(d)) }}
	began, before := time.Now(), load.Stats()
	ro, notes, err := runner.Start(ctx, rel, deploy.StartOptions{Replicas: 2})
	if err != nil {
		return out, rel, err
	}
	for _, n := range notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintf(w, "rollout #%d: %s → %s\n", ro.ID, orNone(ro.FromRelease), rel.ID)
	final, err := runner.Drive(ctx, "shop")
	if err != nil {
		return out, rel, err
	}
	out.Got, out.Took, out.Load = final.Outcome, time.Since(began), load.Stats().Sub(before)
	if is, err := store.ListIncidents(ctx, "shop", 1); err == nil && len(is) > 0 && is[0].RolloutID == final.ID {
		out.Report = is[0].Location
	}
	fmt.Fprintf(w, "→ %s %s in %s (load: %d requests, %d failed)\n", rel.ID, final.Outcome, out.Took.Round(100*time.Millisecond),
		out.Load.Requests, out.Load.Failed)
	return out, rel, nil
}

// buildImage builds src into an OCI layout with pinwheel's image builder;
// if that fails the release runs from source, and the demo says so.
func buildImage(ctx context.Context, o Options, store ledger.Builds, src string, v version) (deploy.Artifact, string) {
	layout := filepath.Join(o.Dir, "images", "shop-"+v.Name)
	res, err := build.Run(ctx, build.Options{Dir: src, Outputs: []string{"oci:" + layout}, CacheDir: filepath.Join(o.Dir, "cache"),
		BuilderVersion: o.Builder, Logger: o.Logger, Ledger: store})
	if err != nil {
		return deploy.Artifact{Source: true}, fmt.Sprintf("pinwheel build failed (%v): running %s from source with the machine's python3", err, v.Name)
	}
	return deploy.Artifact{Layout: layout, Digest: res.Digest},
		fmt.Sprintf("pinwheel build: %s → oci:%s@%s (lock %s)", v.Name, layout, res.Digest, short(res.BuildInfo.LockHash))
}

func short(d string) string {
	if len(d) > 19 {
		return d[:19]
	}
	return d
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// ErrUnexpected is returned by callers when Result.OK is false.
var ErrUnexpected = errors.New("the demo did not end as expected")

// printExcerpt prints up to n lines of the file at path from the line that
// starts with from.
func printExcerpt(w io.Writer, path, from string, n int) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, from) {
			for _, l := range lines[i:min(i+n, len(lines))] {
				fmt.Fprintln(w, l)
			}
			fmt.Fprintln(w, "…")
			return
		}
	}
}
