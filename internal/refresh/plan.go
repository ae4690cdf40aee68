package refresh

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"

	"golang.org/x/sync/errgroup"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/pyindex"
)

// Index is what refresh asks of package indexes; *pyindex.Client is one.
type Index interface {
	ProjectPage(ctx context.Context, index *url.URL, project string) (*pyindex.ProjectPage, error)
	CoreMetadata(ctx context.Context, project string, f pyindex.File) ([]byte, error)
}

var _ Index = (*pyindex.Client)(nil)

// Input is what a plan is made from.
type Input struct {
	Lock *lock.Lock
	// Packages are the locked packages to look at (the production
	// selection, or every package with refresh.allGroups).
	Packages []lock.Package
	// Indexes are searched in order, after the index a package was locked
	// from (when the lock records it).
	Indexes []*url.URL
	// Python is the project's Python ("3.11"): releases whose every file
	// requires another Python are not proposed.
	Python string
	Config config.Refresh
	Logger *slog.Logger
}

// Plan is the refresh proposal for one lock.
type Plan struct {
	Lockfile string      `json:"lockfile"`
	Format   lock.Format `json:"format"`
	Python   string      `json:"python,omitempty"`
	// Updates are the proposed upgrades, grouped (Groups holds the order).
	Updates []Update `json:"updates"`
	Groups  []Group  `json:"groups"`
	// Notes are packages with no update that still need a word: a yanked
	// locked version with nothing newer, a source refresh does not move, an
	// index that failed.
	Notes []Note `json:"notes,omitempty"`
	// Checked is how many packages were looked at; Current how many are at
	// their newest allowed version.
	Checked int `json:"checked"`
	Current int `json:"current"`
	// Relock is how the lock gets re-locked, filled in by the caller.
	Relock *Relock `json:"relock,omitempty"`
}

// Update is one proposed upgrade.
type Update struct {
	Package string     `json:"package"`
	From    string     `json:"from"`
	To      string     `json:"to"`
	Level   lock.Level `json:"level"`
	Risk    lock.Risk  `json:"risk"`
	// Labels name every risk found: the level, "yanked" (the locked
	// version is yanked), "new-index", "new-dependency".
	Labels []string `json:"labels"`
	Group  string   `json:"group"`
	Direct bool     `json:"direct,omitempty"`
	// Index is where To was found (credentials removed); LockedIndex where
	// the locked version comes from, when known.
	Index       string `json:"index"`
	LockedIndex string `json:"lockedIndex,omitempty"`
	// LockedYanked and YankedReason: the locked version is yanked (PEP 592).
	LockedYanked bool   `json:"lockedYanked,omitempty"`
	YankedReason string `json:"yankedReason,omitempty"`
	// NewDependencies are requirements To has that From had not.
	NewDependencies []string `json:"newDependencies,omitempty"`
	// Changelog is the scoped changelog: the releases between From and To
	// and where to read about them.
	Changelog Changelog `json:"changelog"`
	// Skipped are newer versions not proposed, each with why.
	Skipped []Skipped `json:"skipped,omitempty"`
}

// Changelog is the scoped changelog of one update.
type Changelog struct {
	// Releases are the versions after From up to and including To that
	// could be installed, oldest first.
	Releases []string `json:"releases"`
	Links    []Link   `json:"links,omitempty"`
	// Metadata says where the links came from, or why there are none.
	Metadata string `json:"metadata"`
}

// Skipped is a newer version refresh does not propose.
type Skipped struct {
	Version string `json:"version"`
	Reason  string `json:"reason"`
}

// Group is a named set of updates, in display order.
type Group struct {
	Name     string    `json:"name"`
	Risk     lock.Risk `json:"risk"`
	Packages []string  `json:"packages"`
}

// Note is a package without an update that the reader should know about.
type Note struct {
	Package string `json:"package"`
	Version string `json:"version,omitempty"`
	Message string `json:"message"`
}

// Labels of an update besides its level.
const (
	LabelYanked        = "yanked"
	LabelNewIndex      = "new-index"
	LabelNewDependency = "new-dependency"
)

// Concurrency is how many packages Make looks up at once.
const Concurrency = 8

// Make builds the plan: every package of in.Packages is looked up on the
// indexes (Concurrency at a time; the index round trips are the cost), and
// the results are put in lock order.
func Make(ctx context.Context, idx Index, in Input) (*Plan, error) {
	if in.Logger == nil {
		in.Logger = slog.New(slog.DiscardHandler)
	}
	p := &Plan{Lockfile: in.Lock.Path, Format: in.Lock.Format, Python: in.Python, Updates: []Update{}, Groups: []Group{}}
	var python *pep.Version
	if in.Python != "" {
		v, err := pep.ParseVersion(in.Python)
		if err != nil {
			return nil, fmt.Errorf("python %q: %w", in.Python, err)
		}
		python = &v
	}
	pkgs := onePerName(in.Packages)
	type result struct {
		update *Update
		note   string
		err    error
	}
	results := make([]result, len(pkgs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(Concurrency)
	for i, pkg := range pkgs {
		g.Go(func() error {
			u, note, err := planPackage(gctx, idx, in, pkg, python)
			results[i] = result{u, note, err}
			return gctx.Err()
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, r := range results {
		pkg := pkgs[i]
		p.Checked++
		switch {
		case r.err != nil:
			p.Notes = append(p.Notes, Note{Package: pkg.Name, Version: pkg.Version, Message: r.err.Error()})
		case r.update != nil:
			p.Updates = append(p.Updates, *r.update)
		case r.note != "":
			p.Notes = append(p.Notes, Note{Package: pkg.Name, Version: pkg.Version, Message: r.note})
			p.Current++
		default:
			p.Current++
		}
	}
	p.Groups = group(p.Updates, in.Config.Groups)
	in.Logger.Info("refresh plan made", "checked", p.Checked, "updates", len(p.Updates), "notes", len(p.Notes))
	return p, nil
}

// onePerName keeps the packages refresh plans, in order: not the project's
// own trees, and of a name locked at several versions (uv's resolution
// forks) the highest, since the upgrade moves them all.
func onePerName(all []lock.Package) []lock.Package {
	var out []lock.Package
	at := map[string]int{}
	for _, pkg := range all {
		if local(pkg) {
			continue
		}
		i, ok := at[pkg.Name]
		if !ok {
			at[pkg.Name] = len(out)
			out = append(out, pkg)
			continue
		}
		if higher(pkg.Version, out[i].Version) {
			out[i] = pkg
		}
	}
	return out
}

func higher(a, b string) bool {
	va, errA := pep.ParseVersion(a)
	vb, errB := pep.ParseVersion(b)
	return errA == nil && (errB != nil || pep.Compare(va, vb) > 0)
}

// local says whether pkg is a source tree of the project (the project
// itself, a workspace member, a local library): no index has it.
func local(pkg lock.Package) bool {
	switch pkg.Source.Kind {
	case lock.SourceDirectory, lock.SourceEditable, lock.SourceVirtual:
		return true
	}
	return false
}

// errContext adds the package to an index error.
func errContext(pkg lock.Package, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("index: %w", err)
}

// Labels are the pull request labels for the plan: the configured ones,
// then "risk:<highest>", then every update label, each once.
func (p *Plan) Labels(extra []string) []string {
	out := slices.Clone(extra)
	add := func(l string) {
		if l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	if len(p.Updates) > 0 {
		add("risk:" + string(p.highestRisk()))
	}
	for _, u := range p.Updates {
		for _, l := range u.Labels {
			add(l)
		}
	}
	return out
}

func (p *Plan) highestRisk() lock.Risk {
	r := lock.RiskLow
	for _, u := range p.Updates {
		r = maxRisk(r, u.Risk)
	}
	return r
}

func maxRisk(a, b lock.Risk) lock.Risk {
	rank := map[lock.Risk]int{lock.RiskLow: 0, lock.RiskMedium: 1, lock.RiskHigh: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}
