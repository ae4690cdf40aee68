package check

import (
	"context"
	"path"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/projectscan"
)

// monorepoServices lists the service directories below dir (slash paths
// relative to it) the way `pinwheel init` finds them (projectscan.Discover:
// up to two levels down, a directory with its own lock or a Dockerfile
// beside its manifest, uv workspace members left to their workspace), and
// whether dir itself is a Python project.
func monorepoServices(ctx context.Context, dir string) (services []string, rootIsService bool, err error) {
	found, err := projectscan.Discover(ctx, dir)
	if err != nil {
		return nil, false, nil // an unreadable tree: the root is checked as before
	}
	for _, f := range found.Found {
		if f.Dir == "." {
			rootIsService = true
			continue
		}
		services = append(services, f.Dir)
	}
	return services, rootIsService, nil
}

// checkService runs the project rules on the service at svc (relative to
// the root project) and returns its findings with paths relative to the
// root, suppressions applied.
func checkService(ctx context.Context, root *project, svc string) ([]Finding, error) {
	dir := filepath.Join(root.dir, filepath.FromSlash(svc))
	p := &project{dir: dir, logger: root.logger.With("service", svc), files: map[string][]byte{}, isProject: true}
	var r Report
	for _, f := range projectFamilies {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := f(ctx, p, &r); err != nil {
			return nil, inDir(dir, err)
		}
	}
	found := applySuppressions(p, r.Findings)
	for i := range found {
		found[i].File = underDir(svc, found[i].File)
		if s := found[i].Suppression; s != nil {
			s.File = underDir(svc, s.File)
		}
	}
	return found, nil
}

func underDir(dir, file string) string {
	if file == "" || file == "." {
		return dir
	}
	return path.Join(dir, file)
}

// mergeFindings adds more to fs, leaving out a finding of the same rule at
// the same place (a root project whose Dockerfile search reaches into a
// service directory sees that service's files too).
func mergeFindings(fs, more []Finding) []Finding {
	type at struct {
		rule, file string
		line, col  int
	}
	seen := map[at]bool{}
	for _, f := range fs {
		seen[at{f.RuleID, f.File, f.Line, f.Column}] = true
	}
	for _, f := range more {
		if !seen[at{f.RuleID, f.File, f.Line, f.Column}] {
			fs = append(fs, f)
		}
	}
	return fs
}
