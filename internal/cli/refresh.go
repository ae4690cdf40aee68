package cli

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/pyindex"
	"pinwheel.dev/pinwheel/internal/refresh"
	"pinwheel.dev/pinwheel/internal/refresh/ghpr"
	"pinwheel.dev/pinwheel/internal/refresh/window"
)

type refreshFlags struct {
	now, allGroups, relock, openPR bool
	at, output, repo, githubAPI    string
	base, indexURL, cacheDir       string
	extraIndexURLs                 []string
}

func newRefreshCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var f refreshFlags
	cmd := &cobra.Command{
		Use:   "refresh [DIR]",
		Short: "Propose upgrades of the locked packages: risk-labelled, grouped, with changelogs; open them as a pull request",
		Long: `refresh looks up every package of DIR's lock (the production set, or every
group with --all-groups or refresh.allGroups) on the package index (PEP 691
JSON, PEP 503 HTML), proposes the newest version each may take (never a
yanked one; pre-releases only for a package locked at one or with
refresh.prereleases; Requires-Python against the project's Python), labels
the risk (major, minor, patch, pre-release, yanked, new-index,
new-dependency), groups the upgrades (refresh.groups, else by level) and
links each one's changelog from its release metadata (PEP 658).

Outside the windows of refresh.windows in pinwheel.yaml it says when the
next one opens and does nothing (exit 0), unless --now.

--relock runs the project's own lock tool (uv, poetry, pdm, pip-compile) on
the proposed versions when it is installed, and says so when it is not.
--open-pr also re-locks, then opens a pull request on --repo through the
GitHub API with the token in GITHUB_TOKEN: a new branch, the re-locked
lockfile (or, without a lock tool, the plan as ` + refresh.PlanFile + `),
the plan as its body and its risk labels.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRefresh(cmd, streams, logger, lockArgOr(args, "."), f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.now, "now", false, "refresh even outside the refresh windows")
	fl.StringVar(&f.at, "at", "", "judge the windows at this time (RFC 3339) instead of now")
	fl.BoolVar(&f.allGroups, "all-groups", false, "look at every locked package, not only the production set")
	fl.BoolVar(&f.relock, "relock", false, "run the project's lock tool on the proposed versions (it edits the lockfile)")
	fl.BoolVar(&f.openPR, "open-pr", false, "re-lock and open a pull request on --repo (token from GITHUB_TOKEN)")
	fl.StringVar(&f.repo, "repo", "", "GitHub repository owner/name for --open-pr")
	fl.StringVar(&f.githubAPI, "github-api", ghpr.DefaultAPI, "GitHub API root (GitHub Enterprise: https://HOST/api/v3)")
	fl.StringVar(&f.base, "base", "", "base branch of the pull request (default: the repository's default branch)")
	fl.StringVar(&f.indexURL, "index-url", "", "package index (PEP 691/503 simple API); default: the lock's indexes, else https://pypi.org/simple/")
	fl.StringArrayVar(&f.extraIndexURLs, "extra-index-url", nil, "additional package index (repeatable)")
	fl.StringVar(&f.cacheDir, "cache-dir", "", "wheel cache (default: the user cache dir)")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text, markdown or json")
	return cmd
}

func runRefresh(cmd *cobra.Command, streams Streams, logger *slog.Logger, path string, f refreshFlags) error {
	if f.output != "text" && f.output != "markdown" && f.output != "json" {
		return usageError("unknown output format %q (want text, markdown or json)", f.output)
	}
	if f.openPR && f.repo == "" {
		return usageError("--open-pr needs --repo owner/name")
	}
	now := time.Now()
	if f.at != "" {
		t, err := time.Parse(time.RFC3339, f.at)
		if err != nil {
			return usageError("--at %q: expected an RFC 3339 time such as 2026-12-07T06:30:00Z", f.at)
		}
		now = t
	}
	l, err := loadLock(path)
	if err != nil {
		return err
	}
	cfg, err := projectYAML(lockDir(path))
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	rc, err := cfg.RefreshSection()
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if st := window.Check(rc.Windows, now); !st.Open && !f.now {
		if f.output == "json" {
			return writeLockJSON(streams.Out, map[string]any{"inWindow": false, "nextWindow": st.NextSpec, "nextOpens": st.Next.UTC().Format(time.RFC3339)})
		}
		fmt.Fprintf(streams.Out, "outside the refresh windows: the next one (%s) opens %s (in %s); nothing done (--now refreshes anyway)\n",
			st.NextSpec, st.Next.UTC().Format(time.RFC3339), window.Until(st.Next.Sub(now)))
		return nil
	}
	pkgs := l.Packages
	if !f.allGroups && !rc.AllGroups {
		sel, err := cfg.Select(l)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		pkgs = sel.Packages
	}
	indexes, err := refresh.Indexes(l, f.indexURL, f.extraIndexURLs)
	if err != nil {
		return usageError("%v", err)
	}
	opts := []pyindex.Option{pyindex.WithIndexURL(""), pyindex.WithLogger(logger)}
	for _, u := range indexes {
		opts = append(opts, pyindex.WithExtraIndexURLs(u.String()))
	}
	if f.cacheDir != "" {
		opts = append(opts, pyindex.WithCacheDir(f.cacheDir))
	}
	client, err := pyindex.New(opts...)
	if err != nil {
		return usageError("%v", err)
	}
	plan, err := refresh.Make(cmd.Context(), client, refresh.Input{Lock: l, Packages: pkgs, Indexes: indexes, Python: cfg.Python, Config: rc, Logger: logger})
	if err != nil {
		return err
	}
	// A lock tool that fails is reported in the plan (and the pull request
	// then carries the plan), and the command exits 2 when all is said.
	var relockErr error
	if len(plan.Updates) > 0 {
		if plan.Relock, err = refresh.RelockArgv(l.Format, l.Path, plan.Updates); err != nil {
			return err
		}
		plan.Relock.Detect()
		if f.relock || f.openPR {
			relockErr = plan.Relock.Run(cmd.Context())
		}
	}
	if err := writePlan(streams, plan, f.output); err != nil {
		return err
	}
	switch {
	case f.openPR && len(plan.Updates) == 0:
		fmt.Fprintln(streams.Err, "nothing to upgrade: no pull request opened")
	case f.openPR:
		if err := openRefreshPR(cmd, streams, plan, rc.Labels, f, now); err != nil {
			return err
		}
	}
	if relockErr != nil {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("re-lock failed: %w", relockErr)}
	}
	return nil
}

func openRefreshPR(cmd *cobra.Command, streams Streams, plan *refresh.Plan, labels []string, f refreshFlags, now time.Time) error {
	gh, err := ghpr.New(f.repo, os.Getenv("GITHUB_TOKEN"), f.githubAPI, nil)
	if err != nil {
		return usageError("%v", err)
	}
	req, err := refresh.PullRequest(cmd.Context(), plan, labels, now)
	if err != nil {
		return err
	}
	req.Base = f.base
	opened, err := gh.Open(cmd.Context(), req)
	if err != nil {
		return err
	}
	fmt.Fprintf(streams.Err, "opened pull request #%d %s (branch %s into %s; committed %s)\n",
		opened.Number, opened.URL, opened.Branch, opened.Base, req.Files[0].Path)
	return nil
}

func writePlan(streams Streams, plan *refresh.Plan, output string) error {
	switch output {
	case "json":
		return plan.WriteJSON(streams.Out)
	case "markdown":
		return plan.WriteMarkdown(streams.Out)
	}
	return plan.WriteText(streams.Out)
}

// lockDir is the project directory of path (a directory or a lockfile).
func lockDir(path string) string {
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		return filepath.Dir(path)
	}
	return path
}
