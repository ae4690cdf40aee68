package build

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/gitsource"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/sourcebuild"
)

// packLocal packs a package that comes as a source tree rather than as
// files: a local directory or editable source (packTree) or a git commit
// (packGit). ok is false for every other source.
func (s wheelSources) packLocal(ctx context.Context, p lock.Package) (lock.Artifact, bool, error) {
	if p.Source.Kind == lock.SourceGit {
		return s.packGit(ctx, p)
	}
	return s.packTree(p)
}

// packGit exports the commit the lock pins for a git source (its
// subdirectory, when set) and packs it like a local tree, so that it is
// built like an sdist; the pack's hash names the source. Other VCSs and a
// git source without a commit are errors that say what to do.
func (s wheelSources) packGit(ctx context.Context, p lock.Package) (lock.Artifact, bool, error) {
	if vcs := cmp.Or(p.Source.VCS, "git"); vcs != "git" {
		return lock.Artifact{}, true, fmt.Errorf("a %s source cannot be built here (only git): build a wheel, pass --find-links DIR and re-lock", vcs)
	}
	src := gitsource.Source{URL: p.Source.URL, Commit: p.Source.Commit, Subdirectory: p.Source.Subdirectory}
	tmp, err := os.MkdirTemp(s.cacheDir, ".git-export-")
	if err != nil {
		return lock.Artifact{}, true, err
	}
	defer os.RemoveAll(tmp)
	tree := filepath.Join(tmp, "tree")
	if err := gitsource.Export(ctx, src, filepath.Join(s.cacheDir, "git"), tree); err != nil {
		return lock.Artifact{}, true, err
	}
	top := strings.ReplaceAll(p.Name, "-", "_") + "-" + cmp.Or(p.Version, "0")
	path, sum, err := sourcebuild.Pack(tree, top, filepath.Join(s.cacheDir, "sourcetrees"), time.Unix(0, 0), nil)
	if err != nil {
		return lock.Artifact{}, true, err
	}
	return lock.Artifact{Kind: lock.ArtifactSdist, Name: top + ".tar.gz", Path: path, Hashes: map[string]string{"sha256": sum}}, true, nil
}
