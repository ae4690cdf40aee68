package check

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"pinwheel.dev/pinwheel/internal/safefs"
	"pinwheel.dev/pinwheel/internal/secrets"
)

// skipDirs are not walked when looking for secret files.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".venv": true, "venv": true, "node_modules": true,
	"__pycache__": true, ".tox": true, ".mypy_cache": true, ".pytest_cache": true}

// secretFile reports whether the project file rel (with contents loader,
// called only for names that need it) is a credential file.
func secretFile(rel string, contents func() []byte) bool {
	if _, ok := secrets.File(rel, nil); ok {
		return true
	}
	if !secrets.NeedsHead(rel) {
		return false
	}
	_, ok := secrets.File(rel, contents())
	return ok
}

// checkSecretFiles reports secret files that reach an image: PW402 when a
// COPY/ADD copies one (by name, or by copying a directory holding it that
// .dockerignore does not exclude), PW403 when one sits in the build context
// without a .dockerignore entry.
func checkSecretFiles(ctx context.Context, p *project, r *Report) error {
	dfs, err := loadDockerfiles(p)
	if err != nil {
		return err
	}
	if len(dfs) == 0 {
		return checkAppSecrets(ctx, p, r)
	}
	found, err := secretFilesIn(ctx, p)
	if err != nil {
		return err
	}
	copied := map[string]bool{}
	for _, df := range dfs {
		checkCopiedSecrets(df, found, copied, r)
	}
	for _, s := range found {
		if !copied[s] {
			r.add("PW403", s, 0, "%s is in the build context and not excluded by .dockerignore", s)
		}
	}
	return nil
}

// checkCopiedSecrets reports PW402 for COPY/ADD instructions that copy a
// secret file into the image.
func checkCopiedSecrets(df *dockerfile, secrets []string, copied map[string]bool, r *Report) {
	for _, in := range df.Instrs {
		if in.Cmd != "COPY" && in.Cmd != "ADD" {
			continue
		}
		if _, ok := in.flag("from"); ok {
			continue
		}
		for _, src := range sources(in) {
			clean := path.Clean(strings.TrimPrefix(src, "/"))
			if secretFile(clean, func() []byte { return nil }) {
				copied[clean] = true
				addAt(r, "PW402", df.File, in, df.lineOf(in, src), "%s %s copies %s into the image", in.Cmd, src, clean)
				continue
			}
			for _, s := range secrets {
				if covers(clean, s) {
					copied[s] = true
					addAt(r, "PW402", df.File, in, df.lineOf(in, src), "%s %s copies %s into the image", in.Cmd, src, s)
				}
			}
		}
	}
}

// secretFilesIn lists the project's secret files that .dockerignore does
// not exclude.
func secretFilesIn(ctx context.Context, p *project) ([]string, error) {
	ignore, err := dockerignore(p)
	if err != nil {
		return nil, err
	}
	var found []string
	err = filepath.WalkDir(p.dir, func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable entries cannot be copied either
		}
		if d.IsDir() {
			if skipDirs[d.Name()] && full != p.dir {
				return filepath.SkipDir
			}
			return ctx.Err()
		}
		rel := p.rel(full)
		if d.Type().IsRegular() && secretFile(rel, func() []byte { return readHead(full, secrets.HeadSize) }) {
			if ignored, _ := ignore.MatchesOrParentMatches(rel); !ignored {
				found = append(found, rel)
			}
		}
		return nil
	})
	return found, err
}

// covers reports whether COPY source src (relative to the context) includes
// the file rel.
func covers(src, rel string) bool {
	if src == "." || src == rel || strings.HasPrefix(rel, src+"/") {
		return true
	}
	ok, _ := path.Match(src, rel)
	return ok
}

// dockerignore loads the project's .dockerignore patterns.
func dockerignore(p *project) (*patternmatcher.PatternMatcher, error) {
	data, _, err := p.read(".dockerignore")
	if err != nil {
		return nil, err
	}
	patterns, err := ignorefile.ReadAll(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return patternmatcher.New(patterns)
}

// readHead returns up to n bytes from the start of the file at path.
func readHead(path string, n int64) []byte {
	f, err := safefs.Open(filepath.Dir(path), path) // never a FIFO, device or link out
	if err != nil {
		return nil
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, n))
	return b
}
