// Package check owns pinwheel's determinism and guardrail rules: it reads a
// Python project directory (lockfile, pyproject.toml/Pipfile, requirements
// files, .python-version, Dockerfile, entrypoint scripts, .dockerignore; a
// monorepo root service by service) and, when given them, its Kubernetes
// manifests, and returns findings with rule IDs, severities, file:line
// positions and fix hints, plus text, JSON and SARIF 2.1.0 writers for them.
//
// It does not parse lockfile formats (internal/lock does) or YAML
// (check/k8syaml does), read a project's commands and server settings
// (internal/projectscan does), resolve or install anything, or decide exit
// codes beyond Report.Fails: the CLI does that.
package check

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/projectscan"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// Finding is one problem found in the project.
type Finding struct {
	RuleID   string   `json:"ruleId"`
	Severity Severity `json:"severity"`
	// File is slash-separated and relative to the checked directory.
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`   // 1-based; 0 when the finding is about the whole file
	Column  int    `json:"column,omitempty"` // 1-based; 0 when unknown
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
	// Suppression is set when an inline pinwheel:ignore comment with a
	// reason covers this finding; suppressed findings never fail a run.
	Suppression *Suppression `json:"suppression,omitempty"`

	// instrLine is the first line of the Dockerfile instruction a finding
	// is in, so a suppression above a multi-line instruction covers it.
	instrLine int
}

// Suppression records the inline comment that silenced a finding.
type Suppression struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Report is the result of checking one project directory.
type Report struct {
	Dir      string    `json:"dir"`
	Lockfile string    `json:"lockfile,omitempty"` // relative to Dir
	Findings []Finding `json:"findings"`
}

// options tune a Run; callers set them with WithX functions.
type options struct {
	logger    *slog.Logger
	lockfile  string
	manifests []manifestSource
}

// Option configures a Run.
type Option func(*options)

// WithLogger sets the logger Run reports its progress to (debug level).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithLockfile names the project's lockfile (a path inside the checked
// directory) instead of letting lock.Detect choose one, for a directory
// that holds several.
func WithLockfile(path string) Option {
	return func(o *options) { o.lockfile = path }
}

// project is everything the rules may look at, loaded once.
type project struct {
	dir      string
	lockfile string // chosen by the caller; "" lets lock.Detect choose
	logger   *slog.Logger
	files    map[string][]byte // relative slash path → contents, for suppression scanning
	// dockerfiles and manifest are read once, on first use.
	dockerfiles    *[]*dockerfile
	manifest       *manifest
	manifestLoaded bool
	// manifests are the Kubernetes manifest sources to check; isProject
	// is false when they are checked beside a directory that holds no
	// Python project (then only the manifest rules run).
	manifests []manifestSource
	isProject bool
	scanned   *projectscan.Service // see scan
	scanDone  bool
}

// scan is the project as projectscan reads it (command, lock choice),
// once; nil when it cannot be read (the project rules report why).
func (p *project) scan(ctx context.Context) *projectscan.Service {
	if !p.scanDone {
		p.scanDone = true
		svc, err := projectscan.ScanService(ctx, p.dir, ".")
		if err != nil {
			p.logger.DebugContext(ctx, "projectscan", "err", err)
		}
		p.scanned = svc
	}
	return p.scanned
}

// rel returns path relative to the project directory, slash-separated.
func (p *project) rel(path string) string {
	if r, err := filepath.Rel(p.dir, path); err == nil {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(path)
}

// read returns the contents of the project file at rel (slash path) and
// remembers it for suppression scanning; ok is false when it does not exist.
func (p *project) read(rel string) ([]byte, bool, error) {
	if data, ok := p.files[rel]; ok {
		return data, true, nil
	}
	data, err := safefs.ReadFile(context.Background(), p.dir, filepath.Join(p.dir, filepath.FromSlash(rel)), 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if safefs.Refused(err) {
		return nil, false, &inputerr.Error{Path: rel, Msg: "cannot read", Err: err}
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", rel, err)
	}
	p.files[rel] = data
	return data, true, nil
}

// Run checks the project in dir. Input errors (an unparsable lockfile,
// Dockerfile or pyproject.toml) are returned as *inputerr.Error values.
func Run(ctx context.Context, dir string, opts ...Option) (Report, error) {
	o := options{logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return Report{}, fmt.Errorf("check %s: %w", dir, err)
	}
	if !info.IsDir() {
		return Report{}, fmt.Errorf("check %s: not a directory", dir)
	}
	p := &project{dir: dir, lockfile: o.lockfile, logger: o.logger, files: map[string][]byte{}, manifests: o.manifests}
	p.isProject = len(o.manifests) == 0 || o.lockfile != "" || isPythonProject(dir)
	rep := Report{Dir: dir}
	var services []string
	if o.lockfile == "" {
		var rootIsService bool
		if services, rootIsService, err = monorepoServices(ctx, dir); err != nil {
			return Report{}, err
		}
		if len(services) > 0 && !rootIsService {
			p.isProject = false // a monorepo root: its services are the projects
		}
	}
	var families []func(context.Context, *project, *Report) error
	if p.isProject {
		families = append(families, projectFamilies...)
	}
	if len(p.manifests) > 0 {
		families = append(families, checkManifests)
	}
	for _, f := range families {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		if err := f(ctx, p, &rep); err != nil {
			return Report{}, inDir(dir, err)
		}
	}
	rep.Findings = applySuppressions(p, rep.Findings)
	for _, svc := range services {
		found, err := checkService(ctx, p, svc)
		if err != nil {
			return Report{}, err
		}
		rep.Findings = mergeFindings(found, rep.Findings)
	}
	for i := range rep.Findings {
		if rep.Findings[i].Fix == "" {
			rep.Findings[i].Fix = Rules[rep.Findings[i].RuleID].Fix
		}
	}
	sortFindings(rep.Findings)
	if rep.Findings == nil {
		rep.Findings = []Finding{}
	}
	return rep, nil
}

// projectFamilies are the rule families of a Python project directory.
var projectFamilies = []func(context.Context, *project, *Report) error{
	checkLock, checkRequirementsFiles, checkPythonVersion, checkDockerfiles, checkSecretFiles,
}

// inDir makes an input error's path name the file as the user would find
// it: rules name files relative to the project directory.
func inDir(dir string, err error) error {
	var done placedError
	if errors.As(err, &done) {
		return done.error
	}
	var ie *inputerr.Error
	if errors.As(err, &ie) && ie.Path != "" && !filepath.IsAbs(ie.Path) && !strings.HasPrefix(ie.Path, filepath.Clean(dir)+string(filepath.Separator)) {
		ie.Path = filepath.Join(dir, ie.Path)
	}
	return err
}

// add appends a finding of rule id with the rule's default severity.
func (r *Report) add(id, file string, line int, format string, args ...any) *Finding {
	r.Findings = append(r.Findings, Finding{
		RuleID:   id,
		Severity: Rules[id].Severity,
		File:     file,
		Line:     line,
		Message:  fmt.Sprintf(format, args...),
	})
	return &r.Findings[len(r.Findings)-1]
}

// sortFindings orders findings by file, line, column, rule, message.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Message < b.Message
	})
}

// Fails reports whether any unsuppressed finding is at or above threshold.
func (r Report) Fails(threshold Severity) bool {
	for _, f := range r.Findings {
		if f.Suppression == nil && f.Severity >= threshold {
			return true
		}
	}
	return false
}

// Counts returns the number of unsuppressed findings per severity and the
// number of suppressed ones.
func (r Report) Counts() (bySeverity map[Severity]int, suppressed int) {
	bySeverity = map[Severity]int{}
	for _, f := range r.Findings {
		if f.Suppression != nil {
			suppressed++
			continue
		}
		bySeverity[f.Severity]++
	}
	return bySeverity, suppressed
}
